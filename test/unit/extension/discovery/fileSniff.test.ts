import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isIdxImagesHead,
  isNpyHead,
  isTableHead,
  looksLikeIdxImages,
  looksLikeNpy,
  looksLikeTable,
} from '../../../../src/extension/discovery/fileSniff';

/** The committed Fashion-MNIST IDX fixtures (a t10k subset cut from Debian's dataset-fashion-mnist): real IDX files. */
const FASHION = join(__dirname, '..', '..', '..', 'fixtures', 'fmnist', 'idx');
const NPY_FIXTURE = join(__dirname, 'fixtures', 'features.npy');

describe('extension/discovery/fileSniff', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'margin-sniff-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  describe('IDX images', () => {
    it('accepts the gzipped Fashion-MNIST images and rejects its labels file', async () => {
      assert.equal(await looksLikeIdxImages(join(FASHION, 't10k-images-idx3-ubyte.gz')), true);
      assert.equal(await looksLikeIdxImages(join(FASHION, 't10k-images-idx3-ubyte')), true);
      assert.equal(await looksLikeIdxImages(join(FASHION, 't10k-labels-idx1-ubyte.gz')), false);
      assert.equal(await looksLikeIdxImages(join(FASHION, 't10k-labels-idx1-ubyte')), false);
    });

    it('checks the magic of uncompressed files', () => {
      // 0x00000803: unsigned byte, 3 dimensions (LeCun's IDX format).
      assert.equal(isIdxImagesHead(Buffer.from([0, 0, 8, 3, 0, 0, 0, 2])), true);
      assert.equal(isIdxImagesHead(Buffer.from([0, 0, 8, 1, 0, 0, 0, 2])), false);
      assert.equal(isIdxImagesHead(Buffer.from([0, 0, 8])), false);
    });

    it('rejects a gzip file whose start is not IDX, and a broken gzip stream', async () => {
      const { gzipSync } = await import('node:zlib');
      assert.equal(isIdxImagesHead(gzipSync(Buffer.from('path,label\n'))), false);
      assert.equal(isIdxImagesHead(Buffer.from([0x1f, 0x8b, 0xff, 0xff, 0xff])), false);
    });

    it('answers false for a file that cannot be read', async () => {
      assert.equal(await looksLikeIdxImages(join(dir, 'missing-images-idx3-ubyte')), false);
    });
  });

  describe('NPY', () => {
    it('accepts a file written by numpy.save and rejects other bytes', async () => {
      assert.equal(await looksLikeNpy(NPY_FIXTURE), true);
      assert.equal(isNpyHead((await readFile(NPY_FIXTURE)).subarray(0, 6)), true);
      assert.equal(isNpyHead(Buffer.from('NUMPY-ish')), false);
    });
  });

  describe('tables', () => {
    it('accepts CSV/TSV tables the engine reads as a dataset, and nothing else', () => {
      assert.equal(isTableHead('path,label\nimg/a.png,cat\n', '.csv'), true);
      assert.equal(isTableHead('\uFEFF"text"\t"label"\nhello\tspam\n', '.tsv'), true);
      assert.equal(isTableHead('just one column\nvalue\n', '.csv'), false);
      // A manifest of unlabelled images has its path column only.
      assert.equal(isTableHead('path\nimages/a.png\n', '.csv'), true);
      assert.equal(isTableHead('"File"\r\nimages/a.png\n', '.csv'), true);
      assert.equal(isTableHead('a\tb\n', '.csv'), false);
      assert.equal(isTableHead('', '.csv'), false);
    });

    it('rejects result files MARGIN wrote itself', () => {
      assert.equal(isTableHead('rank,index,id,label,suggested,score\n1,3,a.png,x,y,0.9\n', '.csv'), false);
      assert.equal(isTableHead('{"rank":1,"id":"a","score":0.5}\n', '.jsonl'), false);
    });

    it('accepts JSONL whose first line is an object', () => {
      assert.equal(
        isTableHead('{"path":"a.png","label":"cat"}\n{"path":"b.png","label":"dog"}\n', '.jsonl'),
        true,
      );
      assert.equal(isTableHead('[1,2]\n', '.jsonl'), false);
      assert.equal(isTableHead('not json\n', '.jsonl'), false);
    });

    it('reads only the head of a real file', async () => {
      const csv = join(dir, 'manifest.csv');
      await writeFile(csv, 'file,label\n' + 'x.png,a\n'.repeat(10_000));
      assert.equal(await looksLikeTable(csv), true);
      const results = join(dir, 'results.csv');
      await writeFile(results, 'rank,id,score\n1,x,0.5\n');
      assert.equal(await looksLikeTable(results), false);
    });
  });
});
