import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { openDataset } from '../../../src/data/open';
import { FMNIST, makeTempDir, rejectsInput } from './helpers';

describe('data/open: telling the form from the path', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  it('refuses a path that does not exist', async () => {
    const missing = join(temp.dir, 'no-such-dataset');
    await rejectsInput(openDataset(missing), missing, /^does not exist$/);
  });

  it('accepts a relative path and reports it absolute', async () => {
    const dataset = await openDataset(relative(process.cwd(), join(FMNIST, 'npy', 'features.npy')));
    assert.equal(dataset.source, join(FMNIST, 'npy', 'features.npy'));
  });

  it('refuses an unknown file type, listing the forms it reads', async () => {
    const file = join(temp.dir, 'data.xyz');
    await writeFile(file, 'hello');
    await rejectsInput(
      openDataset(file),
      file,
      /has an unknown dataset type \(\.xyz\): expected a folder of <label>\/<image> sub-folders, a \.csv\/\.tsv\/\.jsonl manifest or table, an IDX images file .* or a \.npy array/,
    );
    const bare = join(temp.dir, 'README');
    await writeFile(bare, 'hello');
    await rejectsInput(openDataset(bare), bare, /unknown dataset type \(no extension\)/);
  });

  it('explains that a single image, a model or an .npz is not a dataset it reads', async () => {
    const model = join(temp.dir, 'model.onnx');
    await writeFile(model, 'x');
    await rejectsInput(openDataset(model), model, /is an ONNX model, not a dataset: give it with --model/);
    const image = join(FMNIST, 'reference', 'png', '000.png');
    await rejectsInput(openDataset(image), image, /is a single image, not a dataset/);
    const npz = join(temp.dir, 'arrays.npz');
    await writeFile(npz, 'PK');
    await rejectsInput(
      openDataset(npz),
      npz,
      /\.npz archive, which is not supported: save the arrays with np\.save/,
    );
  });

  it('prefers --path-column, then --text-column, then a path column of images, then `text`, then numbers', async () => {
    const folder = join(temp.dir, 'forms');
    await mkdir(join(folder, 'img', 'a'), { recursive: true });
    const write = async (name: string, text: string) => {
      await writeFile(join(folder, name), text);
      return join(folder, name);
    };
    // A `path` column of non-images is not a manifest: the table is numeric.
    const numeric = await write('numeric.csv', 'path,x,label\nnotes.txt,1,a\nother.txt,2,b\n');
    assert.equal((await openDataset(numeric)).kind, 'tabular');
    const both = await write(
      'both.csv',
      'path,text,label\nimg/a/1.png,hello world,a\nimg/a/2.png,big world,b\n',
    );
    await writeFile(join(folder, 'img', 'a', '1.png'), 'not decoded while opening');
    await writeFile(join(folder, 'img', 'a', '2.png'), 'not decoded while opening');
    assert.equal((await openDataset(both)).kind, 'manifest');
    assert.equal((await openDataset(both, { textColumn: 'text' })).kind, 'text');
    const text = await write('text.csv', 'text,label\nhello world,a\nbig world,b\n');
    assert.equal((await openDataset(text)).kind, 'text');
  });
});
