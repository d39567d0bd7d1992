import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pca } from '../../../src/core/pca';
import { openDataset } from '../../../src/data/open';
import { readTable } from '../../../src/data/table';
import { bagOfWords, buildVocabulary, normalizeRows, tokenize } from '../../../src/data/text';
import type { Dataset, PcaFunction } from '../../../src/data/types';
import { FIXTURES, makeTempDir, rejectsInput } from './helpers';

const CSV = join(FIXTURES, 'text', 'debian-packages.csv');
const REFERENCE = join(FIXTURES, 'text', 'reference.json');

interface TextReference {
  rows: number;
  non_ascii_rows: number;
  count_500th: number;
  count_501st: number;
  vocabulary: [string, number][];
  pca: { n_components: number; explained_variance: number[] };
}

describe('data/text: tokens and vocabulary', () => {
  it('tokenizes like sklearn: lower-case runs of ≥ 2 word characters, Unicode letters included', () => {
    assert.deepEqual(tokenize("Don't STOP: a C++ lib_x 3D-engine, v2.0"), [
      'don',
      'stop',
      'lib_x',
      '3d',
      'engine',
      'v2',
    ]);
    // Python's \w is Unicode-aware: "café" and "naïve" stay whole words, the dash splits.
    assert.deepEqual(tokenize('Café naïve—Ωmega x'), ['café', 'naïve', 'ωmega']);
  });

  it('ranks words by total count, ties by word, and counts them per document', () => {
    const documents = [
      ['b', 'a', 'c'],
      ['a', 'c', 'c'],
      ['d', 'b'],
    ].map((words) => words.map((w) => w + w));
    const vocabulary = buildVocabulary(documents, 3);
    // cc: 3, aa: 2, bb: 2 (tie: aa before bb), dd: 1 (cut).
    assert.deepEqual(vocabulary.words, ['cc', 'aa', 'bb']);
    assert.deepEqual([...vocabulary.counts], [3, 2, 2]);
    const bag = bagOfWords(documents, vocabulary);
    assert.deepEqual([...bag.data], [1, 1, 1, 2, 1, 0, 0, 0, 1]);
    normalizeRows(bag);
    const third = 1 / Math.sqrt(3);
    const expected = [third, third, third, 2 / Math.sqrt(5), 1 / Math.sqrt(5), 0, 0, 0, 1];
    bag.data.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-7, `entry ${i}`));
  });
});

describe('data/text: against scikit-learn on the Debian corpus', function () {
  this.timeout(20000);
  let reference: TextReference;
  let texts: string[];

  before(async () => {
    reference = JSON.parse(await readFile(REFERENCE, 'utf8')) as TextReference;
    // The header is `text,label`; readTable (csv-parse) handles the quoted, multi-line cells.
    texts = (await readTable(CSV)).rows.map((row) => row[0]);
  });

  it("keeps sklearn's CountVectorizer(max_features=500) vocabulary and counts", () => {
    assert.equal(texts.length, reference.rows);
    assert.ok(reference.non_ascii_rows > 0, 'the corpus exercises non-ASCII text');
    const vocabulary = buildVocabulary(texts.map(tokenize), 500);
    assert.equal(vocabulary.words.length, 500);
    const ours = new Map(vocabulary.words.map((word, i) => [word, vocabulary.counts[i]]));
    // As sets, allowing words tied at the cutoff count to differ.
    const cutoff = reference.count_500th;
    const strict = (pairs: [string, number][]) =>
      pairs
        .filter(([, count]) => count > cutoff)
        .map(([word]) => word)
        .sort();
    assert.deepEqual(strict([...ours]), strict(reference.vocabulary));
    for (const [word, count] of reference.vocabulary) {
      if (count > cutoff) assert.equal(ours.get(word), count, `count of "${word}"`);
    }
    // The 501st word's count is below the cutoff in this corpus, so the sets are equal outright.
    assert.ok(reference.count_501st < cutoff);
    assert.deepEqual([...ours.keys()].sort(), reference.vocabulary.map(([word]) => word).sort());
  });

  describe('opened as a dataset', () => {
    let dataset: Dataset;
    let seen: { rows: number; dim: number; components: number } | undefined;
    let pcaResult: Awaited<ReturnType<typeof pca>>;

    before(async () => {
      // One PCA run serves every test below; the wrapper records what featurizeText asked for.
      const recordingPca: PcaFunction = async (x, components, options) => {
        seen = { rows: x.rows, dim: x.dim, components };
        pcaResult = await pca(x, components, options);
        return pcaResult;
      };
      dataset = await openDataset(CSV, {}, { pca: recordingPca });
    });

    it('matches sklearn PCA(100) explained variance on the L2-normalised counts within 1e-4', () => {
      assert.deepEqual(seen, { rows: 600, dim: 500, components: 100 });
      const features = dataset.features!;
      assert.equal(features.rows, 600);
      assert.equal(features.dim, reference.pca.n_components);
      reference.pca.explained_variance.forEach((expected, i) => {
        const relative = Math.abs(pcaResult.explainedVariance[i] - expected) / expected;
        assert.ok(
          relative < 1e-4,
          `component ${i}: ${pcaResult.explainedVariance[i]} vs sklearn ${expected}`,
        );
      });
      // The features are that projection: their column variances are sklearn's explained variances.
      reference.pca.explained_variance.forEach((expected, component) => {
        let sum = 0;
        let squares = 0;
        for (let row = 0; row < features.rows; row++) {
          const value = features.data[row * features.dim + component];
          sum += value;
          squares += value * value;
        }
        const variance = (squares - (sum * sum) / features.rows) / (features.rows - 1);
        assert.ok(
          Math.abs(variance - expected) / expected < 1e-4,
          `column ${component}: ${variance} vs ${expected}`,
        );
      });
    });

    it('has the rows in file order: labels, ids, texts', async () => {
      assert.equal(dataset.kind, 'text');
      assert.equal(dataset.source, CSV);
      assert.equal(dataset.samples.length, 600);
      assert.equal(dataset.images, undefined);
      assert.deepEqual(dataset.skipped, []);
      const table = await readTable(CSV);
      assert.deepEqual(
        dataset.labels,
        table.rows.map((row) => row[1]),
      );
      assert.deepEqual(new Set(dataset.labels), new Set(['python', 'libs', 'games', 'science']));
      assert.equal(dataset.samples[7].id, '#7');
      assert.equal(dataset.samples[7].text, table.rows[7][0]);
    });
  });
});

describe('data/text: other tables', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  it('takes the column named by --text-column, and clamps the components to what 3 texts allow', async () => {
    const file = join(temp.dir, 'notes.csv');
    await writeFile(
      file,
      'body,kind\n"red apples, green apples",fruit\nred cars,vehicle\ngreen cars and trucks,vehicle\n',
    );
    const dataset = await openDataset(file, { textColumn: 'body', labelColumn: 'kind' });
    assert.equal(dataset.kind, 'text');
    assert.deepEqual(dataset.labels, ['fruit', 'vehicle', 'vehicle']);
    // 3 rows centred have rank ≤ 2.
    assert.equal(dataset.features?.dim, 2);
    assert.equal(dataset.samples[0].text, 'red apples, green apples');
  });

  it('refuses a text column with no words, naming the file', async () => {
    const file = join(temp.dir, 'empty-text.csv');
    await writeFile(file, 'text,label\n!,a\n?,b\n');
    await rejectsInput(openDataset(file), file, /holds no words/);
  });

  it('refuses an unknown --text-column, listing the columns', async () => {
    await rejectsInput(openDataset(CSV, { textColumn: 'body' }), CSV, /no column "body".*"text", "label"/);
  });
});
