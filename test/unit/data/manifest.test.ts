import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openDataset } from '../../../src/data/open';
import type { Dataset } from '../../../src/data/types';
import {
  assertSameBytes,
  FIXTURES,
  FMNIST,
  makeTempDir,
  rejectsInput,
  splitLines,
  t10kReference,
} from './helpers';

const BAD = join(FIXTURES, 'bad');

/** path,label rows of manifest.csv, read with a plain split (the fixture has no quoting). */
async function manifestRows(): Promise<{ path: string; label: string }[]> {
  const lines = splitLines(await readFile(join(FMNIST, 'manifest.csv'), 'utf8'));
  assert.equal(lines[0], 'path,label');
  return lines.slice(1).map((line) => {
    const [path, label] = line.split(',');
    return { path, label };
  });
}

describe('data/manifest: the Fashion-MNIST manifests', () => {
  let rows: { path: string; label: string }[];
  let csv: Dataset;
  before(async () => {
    rows = await manifestRows();
    csv = await openDataset(join(FMNIST, 'manifest.csv'));
  });

  it('reads manifest.csv: 100 rows in file order, paths relative to the manifest', () => {
    assert.equal(rows.length, 100);
    assert.equal(csv.kind, 'manifest');
    assert.equal(csv.source, join(FMNIST, 'manifest.csv'));
    assert.deepEqual(
      csv.samples.map((sample) => sample.id),
      rows.map((row) => row.path),
    );
    assert.deepEqual(
      csv.samples.map((sample) => sample.path),
      rows.map((row) => resolve(FMNIST, row.path)),
    );
    assert.deepEqual(
      csv.labels,
      rows.map((row) => row.label),
    );
    assert.deepEqual(csv.skipped, []);
    assert.equal(csv.images?.count, 100);
  });

  it('gives each row the label its image has in the noisy folder', async () => {
    const truth = new Map(
      splitLines(await readFile(join(FMNIST, 'noisy-truth.csv'), 'utf8'))
        .slice(1)
        .map((line) => line.split(','))
        .map(([id, given]) => [`noisy/${id}`, given]),
    );
    csv.samples.forEach((sample, index) => assert.equal(csv.labels[index], truth.get(sample.id)));
  });

  it('decodes the listed images to the original t10k pixels', async () => {
    const t10k = t10kReference();
    for (const index of [0, 37, 99]) {
      const t10kIndex = Number(/t10k-(\d+)\.png$/.exec(csv.samples[index].id)![1]);
      assertSameBytes((await csv.images!.read(index)).pixels, t10k.image(t10kIndex), csv.samples[index].id);
    }
  });

  it('reads manifest.tsv (file, class columns) and manifest.jsonl to the same samples', async () => {
    for (const name of ['manifest.tsv', 'manifest.jsonl']) {
      const dataset = await openDataset(join(FMNIST, name));
      assert.equal(dataset.kind, 'manifest', name);
      // Same samples; only their lines differ (a JSONL file has no header line; tableLines.test.ts checks them).
      const withoutLine = (samples: Dataset['samples']) =>
        samples.map(({ line: _line, ...sample }) => sample);
      assert.deepEqual(withoutLine(dataset.samples), withoutLine(csv.samples), name);
      assert.deepEqual(dataset.labels, csv.labels, name);
    }
  });

  it('refuses a manifest without a label column, naming its columns and --label-column', async () => {
    const file = join(FMNIST, 'manifest-no-label.csv');
    await rejectsInput(
      openDataset(file),
      file,
      /has no label column \(its columns are: "path"\).*--label-column/,
    );
    const bad = join(BAD, 'manifest-missing-label.csv');
    await rejectsInput(
      openDataset(bad),
      bad,
      /has no label column \(its columns are: "path", "comment"\).*--label-column/,
    );
  });

  it('reads a manifest without a label column as unlabelled when the caller can do without labels', async () => {
    const dataset = await openDataset(join(FMNIST, 'manifest-no-label.csv'), { labelsOptional: true });
    assert.equal(dataset.samples.length, 100);
    assert.ok(dataset.labels.every((label) => label === undefined));
  });

  it('accepts a manifest without labels when --labels gives them', async () => {
    const temp = await makeTempDir();
    try {
      const labelsFile = join(temp.dir, 'labels.txt');
      await writeFile(labelsFile, rows.map((row) => row.label).join('\n') + '\n');
      const dataset = await openDataset(join(FMNIST, 'manifest-no-label.csv'), { labelsPath: labelsFile });
      assert.deepEqual(dataset.samples, csv.samples);
      assert.deepEqual(dataset.labels, csv.labels);
      await writeFile(
        labelsFile,
        rows
          .slice(1)
          .map((row) => row.label)
          .join('\n'),
      );
      await rejectsInput(
        openDataset(join(FMNIST, 'manifest-no-label.csv'), { labelsPath: labelsFile }),
        labelsFile,
        /holds 99 labels but .*manifest-no-label\.csv has 100 samples/,
      );
    } finally {
      await temp.cleanup();
    }
  });

  it('takes columns named by --path-column and --label-column, and lists the columns when one is absent', async () => {
    const file = join(FMNIST, 'manifest.tsv');
    const dataset = await openDataset(file, { pathColumn: 'file', labelColumn: 'class' });
    assert.deepEqual(dataset.labels, csv.labels);
    await rejectsInput(
      openDataset(file, { labelColumn: 'kind' }),
      file,
      /no column "kind" \(given by --label-column\).*"file", "class"/,
    );
    await rejectsInput(
      openDataset(file, { pathColumn: 'image' }),
      file,
      /no column "image" \(given by --path-column\)/,
    );
  });
});

describe('data/manifest: missing files', () => {
  it('skips a row whose file is missing, keeps its index, and reading it throws "file not found"', async () => {
    const file = join(BAD, 'manifest-missing-file.csv');
    const dataset = await openDataset(file);
    const lines = splitLines(await readFile(file, 'utf8')).slice(1);
    assert.equal(dataset.samples.length, lines.length);
    const missingRow = lines.findIndex((line) => line.includes('does-not-exist.png'));
    const missingPath = join(BAD, 'broken-images', 'Coat', 'does-not-exist.png');
    assert.deepEqual(dataset.skipped, [{ index: missingRow, file: missingPath, problem: 'file not found' }]);
    await rejectsInput(dataset.images!.read(missingRow), missingPath, /^file not found$/);
    for (let index = 0; index < lines.length; index++) {
      if (index !== missingRow) assert.equal((await dataset.images!.read(index)).pixels.length, 28 * 28);
    }
  });

  it('refuses a manifest none of whose files exist', async () => {
    const temp = await makeTempDir();
    try {
      const file = join(temp.dir, 'gone.csv');
      await writeFile(file, 'path,label\na/1.png,x\nb/2.png,y\n');
      await rejectsInput(
        openDataset(file),
        file,
        /names no readable image: all 2 rows were skipped .*file not found/,
      );
    } finally {
      await temp.cleanup();
    }
  });
});
