import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  classifyTable,
  isDatasetTable,
  parseTableHead,
  splitDelimited,
} from '../../../../src/extension/discovery/tableShape';

const ROOT = join(__dirname, '..', '..', '..', '..');
/** The first 4 KiB of a committed file, as fileSniff reads it. */
const head = (...segments: string[]) =>
  readFileSync(join(ROOT, ...segments))
    .subarray(0, 4096)
    .toString('utf8');

describe('extension/discovery/tableShape', () => {
  describe('the committed files: datasets are offered, answer keys are not', () => {
    const cases: [string[], boolean][] = [
      // The case: the Fashion-MNIST example's answer key names image ids but is no manifest.
      [['examples', 'fashion-mnist', 'flipped.csv'], false],
      [['examples', 'fashion-mnist', 'to-label.csv'], true],
      [['examples', 'fashion-mnist', 'adversarial', 'inputs.csv'], true],
      [['test', 'fixtures', 'tabular', 'wine.csv'], true],
      [['test', 'fixtures', 'tabular', 'breast-cancer.csv'], true],
      [['test', 'fixtures', 'tabular', 'wine-truth.csv'], false],
      [['test', 'fixtures', 'tabular', 'wine-seeds.csv'], false],
      [['test', 'fixtures', 'text', 'debian-packages-noisy.csv'], true],
      [['test', 'fixtures', 'text', 'debian-packages-noisy-truth.csv'], false],
      [['test', 'fixtures', 'acquire', 'none-labelled.csv'], true],
    ];
    for (const [segments, expected] of cases) {
      it(`${segments.join('/')}: ${expected ? 'a dataset' : 'not a dataset'}`, () => {
        assert.equal(isDatasetTable(head(...segments), '.csv'), expected);
      });
    }
  });

  it('tells each shape the engine reads apart', () => {
    const shape = (text: string, extension = '.csv') => classifyTable(parseTableHead(text, extension)!);
    assert.equal(shape('path,label\nimg/a.png,cat\n'), 'manifest');
    assert.equal(shape('image\nimg/a.JPG\n'), 'manifest');
    assert.equal(shape('text\tlabel\nhello\tspam\n', '.tsv'), 'text');
    assert.equal(shape('x1,x2,label\n0.5,1e-3,a\n-2,3,b\n'), 'tabular');
    assert.equal(shape('{"path":"a.png","label":"cat"}\n', '.jsonl'), 'manifest');
    assert.equal(shape('{"text":"hi","label":"x"}\n', '.jsonl'), 'text');
    assert.equal(shape('rank,id,score\n1,a.png,0.3\n'), 'results');
    // A path column that names no image, and no numeric feature beside the label: the engine refuses both.
    assert.equal(shape('path,label\nnotes.txt,a\n'), 'not-a-dataset');
    assert.equal(shape('id,label,comment\na,b,c\nd,e,f\n'), 'not-a-dataset');
    // The answer key's shape: a label-like column under another name, an integer flag, no label column.
    assert.equal(shape('id,given_label,true_label,flipped\nA/1.png,A,B,1\n'), 'not-a-dataset');
  });

  it('judges a header with no rows by its names alone', () => {
    assert.equal(isDatasetTable('path,label\n', '.csv'), true);
    assert.equal(isDatasetTable('x,label', '.csv'), true);
    assert.equal(isDatasetTable('id,given_label', '.csv'), false);
  });

  it('drops the cut last line of a head and keeps quoted separators in their cell', () => {
    const table = parseTableHead('path,label\n"a,b.png",x\nc.pn', '.csv')!;
    assert.deepEqual(table.columns, ['path', 'label']);
    assert.deepEqual(table.rows, [['a,b.png', 'x']]);
    assert.deepEqual(splitDelimited('"say ""hi""",2', ','), ['say "hi"', '2']);
  });

  it('reads JSONL up to a cut line, and refuses a first line that is not an object', () => {
    const table = parseTableHead('{"path":"a.png","label":"x"}\n{"path":"b.png","lab', '.jsonl')!;
    assert.deepEqual(table.rows, [['a.png', 'x']]);
    assert.equal(parseTableHead('[1,2]\n', '.jsonl'), undefined);
    assert.equal(parseTableHead('nope\n', '.jsonl'), undefined);
  });
});
