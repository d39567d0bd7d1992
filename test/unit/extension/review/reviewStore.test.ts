import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReviewStore, reviewFile } from '../../../../src/extension/review/reviewStore';

describe('ReviewStore', () => {
  let root: string;
  let warnings: string[];
  const log = { warn: (message: string) => void warnings.push(message) };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'margin-review-'));
    warnings = [];
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('starts empty without a file, and keeps decisions by dataset and sample', async () => {
    const store = await ReviewStore.open(root, log);
    assert.equal(store.decision('/d/images', 'Bag/1.png'), undefined);
    await store.set('/d/images', 'Bag/1.png', { state: 'ok', at: '2025-01-01T00:00:00.000Z' });
    await store.set('/d/other.csv', 'Bag/1.png', { state: 'relabelled', from: 'Bag', to: 'Coat' });
    assert.deepEqual(store.decision('/d/images', 'Bag/1.png'), {
      state: 'ok',
      at: '2025-01-01T00:00:00.000Z',
    });
    const relabel = store.decision('/d/other.csv', 'Bag/1.png');
    assert.equal(relabel?.state, 'relabelled');
    assert.match(relabel.at, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(store.datasets().sort(), ['/d/images', '/d/other.csv']);
    assert.deepEqual(warnings, []);
  });

  it('writes .margin/review.json and its .bak, which a fresh store reads back', async () => {
    const store = await ReviewStore.open(root, log);
    await store.set('/d/images', 'Coat/7.png', { state: 'relabelled', from: 'Coat', to: 'Shirt', at: 'T1' });
    await store.set('/d/images', 'Bag/2.png', { state: 'ok', at: 'T2' });
    const file = reviewFile(root);
    assert.equal(file, join(root, '.margin', 'review.json'));
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { datasets: unknown };
    assert.deepEqual(onDisk.datasets, {
      '/d/images': {
        'Coat/7.png': { state: 'relabelled', from: 'Coat', to: 'Shirt', at: 'T1' },
        'Bag/2.png': { state: 'ok', at: 'T2' },
      },
    });
    assert.equal(readFileSync(`${file}.bak`, 'utf8'), readFileSync(file, 'utf8'));
    // No temporary file is left behind.
    assert.deepEqual(readdirSync(join(root, '.margin')).sort(), ['review.json', 'review.json.bak']);
    const again = await ReviewStore.open(root, log);
    assert.deepEqual(again.decision('/d/images', 'Coat/7.png'), {
      state: 'relabelled',
      from: 'Coat',
      to: 'Shirt',
      at: 'T1',
    });
    assert.deepEqual(again.decision('/d/images', 'Bag/2.png'), { state: 'ok', at: 'T2' });
  });

  it('forgets a deleted decision on disk too', async () => {
    const store = await ReviewStore.open(root, log);
    await store.set('/d', 'a', { state: 'ok', at: 'T' });
    await store.delete('/d', 'a');
    assert.equal((await ReviewStore.open(root, log)).decision('/d', 'a'), undefined);
  });

  it('fires onDidChange on every change', async () => {
    const store = await ReviewStore.open(root, log);
    let fired = 0;
    const subscription = store.onDidChange(() => fired++);
    await store.set('/d', 'a', { state: 'ok' });
    await store.delete('/d', 'a');
    await store.delete('/d', 'a'); // nothing to forget: no event
    subscription.dispose();
    await store.set('/d', 'b', { state: 'ok' });
    assert.equal(fired, 2);
  });

  it('keeps every decision of concurrent sets (writes are serialised)', async () => {
    const store = await ReviewStore.open(root, log);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.set('/d', `s${i}`, { state: 'ok', at: 'T' })),
    );
    const again = await ReviewStore.open(root, log);
    for (let i = 0; i < 20; i++) assert.ok(again.decision('/d', `s${i}`), `s${i}`);
  });

  it('detects a torn write, keeps the last good state from the .bak, and warns', async () => {
    const store = await ReviewStore.open(root, log);
    await store.set('/d', 'a', { state: 'ok', at: 'T1' });
    await store.set('/d', 'b', { state: 'relabelled', from: 'x', to: 'y', at: 'T2' });
    const file = reviewFile(root);
    const good = readFileSync(file, 'utf8');
    // A write cut off half way, as a crash of a non-atomic writer would leave it.
    writeFileSync(file, good.slice(0, Math.floor(good.length / 2)));
    const recovered = await ReviewStore.open(root, log);
    assert.deepEqual(recovered.decision('/d', 'a'), { state: 'ok', at: 'T1' });
    assert.deepEqual(recovered.decision('/d', 'b'), { state: 'relabelled', from: 'x', to: 'y', at: 'T2' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /damaged \(not valid JSON/);
    assert.match(warnings[0], /last good state \(2 decisions\)/);
    // The good state is back in place, and the damaged file kept aside for a person to look at.
    assert.equal(readFileSync(file, 'utf8'), good);
    assert.equal(readdirSync(join(root, '.margin')).filter((name) => name.includes('.corrupt-')).length, 1);
  });

  it('detects content that parses but does not match its checksum', async () => {
    const store = await ReviewStore.open(root, log);
    await store.set('/d', 'a', { state: 'ok', at: 'T1' });
    const file = reviewFile(root);
    const edited = readFileSync(file, 'utf8').replace('"ok"', '"relabelled"');
    writeFileSync(file, edited);
    const recovered = await ReviewStore.open(root, log);
    assert.deepEqual(recovered.decision('/d', 'a'), { state: 'ok', at: 'T1' });
    assert.match(warnings[0], /checksum does not match/);
  });

  it('starts empty, with a warning, when the file and its .bak are both damaged', async () => {
    const file = reviewFile(root);
    const store = await ReviewStore.open(root, log);
    await store.set('/d', 'a', { state: 'ok' });
    writeFileSync(file, '{"version":1');
    writeFileSync(`${file}.bak`, 'garbage');
    const recovered = await ReviewStore.open(root, log);
    assert.equal(recovered.decision('/d', 'a'), undefined);
    assert.match(warnings[0], /no good copy was found/);
    assert.equal(existsSync(file), false, 'the damaged file is set aside, not read again');
  });

  it('reads the .bak when the main file is missing (a crash between the two renames)', async () => {
    const file = reviewFile(root);
    const store = await ReviewStore.open(root, log);
    await store.set('/d', 'a', { state: 'ok', at: 'T' });
    rmSync(file);
    assert.deepEqual((await ReviewStore.open(root, log)).decision('/d', 'a'), { state: 'ok', at: 'T' });
  });
});
