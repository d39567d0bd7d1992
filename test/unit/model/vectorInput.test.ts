/**
 * Models that take vectors [N, D]: the sidecar's `input.features` and
 * per-feature mean/std, table rows → model inputs (against the PyTorch inputs
 * of scripts/make-tabular-fixtures.py), and logits + tapped embeddings of the
 * wine MLP against PyTorch's (max abs error ≤ 1e-4).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../../src/core/errors';
import { openDataset } from '../../../src/data/open';
import {
  embedVectors,
  findEmbeddingTensor,
  loadModelConfig,
  openModel,
  sidecarPath,
  takesImages,
  vectorInputs,
  type ModelInfo,
} from '../../../src/model';
import { MODEL, maxAbsDifference, readFloat32 } from './helpers';

const FIXTURES = resolve(__dirname, '../../fixtures');
const TABULAR = join(FIXTURES, 'tabular');
const MLP = join(TABULAR, 'wine-mlp.onnx');
const WINE = join(TABULAR, 'wine.csv');
const WINE_COLUMNS = [
  'alcohol',
  'malic_acid',
  'ash',
  'alcalinity_of_ash',
  'magnesium',
  'total_phenols',
  'flavanoids',
  'nonflavanoid_phenols',
  'proanthocyanins',
  'color_intensity',
  'hue',
  'od280/od315_of_diluted_wines',
  'proline',
];

/** A model description without a file: loadModelConfig reads only the sidecar beside the path. */
function vectorInfo(width: number | string): ModelInfo {
  return { inputs: [{ name: 'x', dims: ['N', width] }], outputs: [{ name: 'logits', dims: ['N', 3] }] };
}

describe('model: vector inputs [N, D]', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'margin-vector-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const withSidecar = (sidecar: unknown, name = 'net.onnx') => {
    const path = join(dir, name);
    if (sidecar !== undefined) writeFileSync(sidecarPath(path), JSON.stringify(sidecar));
    return path;
  };

  const rejectsSidecar = async (promise: Promise<unknown>, file: string, problem: RegExp) =>
    assert.rejects(promise, (error: unknown) => {
      assert.ok(error instanceof InputError, String(error));
      assert.equal(error.file, file);
      assert.match(error.problem, problem);
      return true;
    });

  it("reads the wine MLP's sidecar: 13 named features, 13 means and stds, vectors only", async () => {
    const model = await openModel(MLP);
    assert.deepEqual(model.info.inputs, [{ name: 'features', dims: ['N', 13] }]);
    const config = await loadModelConfig(MLP, model.info);
    const vector = config.vector!;
    assert.equal(vector.name, 'features');
    assert.equal(vector.size, 13);
    assert.deepEqual(vector.features, WINE_COLUMNS);
    assert.equal(vector.mean.length, 13);
    assert.equal(vector.std.length, 13);
    assert.equal(vector.scale, 1);
    assert.equal(vector.flattenedImage, false);
    assert.equal(takesImages(config), false);
    assert.deepEqual(config.labels, ['class_0', 'class_1', 'class_2']);
  });

  it('needs no sidecar: a non-square D is a vector of D values, mean 0, std 1', async () => {
    const config = await loadModelConfig(withSidecar(undefined), vectorInfo(20));
    assert.deepEqual(config.vector, {
      name: 'x',
      size: 20,
      scale: 1,
      mean: [0],
      std: [1],
      flattenedImage: false,
    });
    assert.equal(takesImages(config), false);
  });

  it('reads a square D as a flattened greyscale image too, unless the sidecar names features or per-feature statistics', async () => {
    const plain = await loadModelConfig(withSidecar(undefined), vectorInfo(16));
    assert.equal(plain.vector!.flattenedImage, true);
    assert.deepEqual([plain.input.channels, plain.input.height, plain.input.width], [1, 4, 4]);
    assert.equal(takesImages(plain), true);
    const named = await loadModelConfig(
      withSidecar({ input: { features: Array.from({ length: 16 }, (_, i) => `f${i}`) } }),
      vectorInfo(16),
    );
    assert.equal(takesImages(named), false);
    const perFeature = await loadModelConfig(
      withSidecar({ input: { mean: Array(16).fill(1), std: Array(16).fill(2) } }, 'other.onnx'),
      vectorInfo(16),
    );
    assert.equal(takesImages(perFeature), false);
    assert.deepEqual(perFeature.vector!.std, Array(16).fill(2));
  });

  it('leaves D to the table when the model declares it symbolic', async () => {
    const config = await loadModelConfig(withSidecar(undefined), vectorInfo('D'));
    assert.equal(config.vector!.size, undefined);
    assert.equal(takesImages(config), false);
  });

  const badSidecars: [string, unknown, RegExp][] = [
    [
      'features that are not names',
      { input: { features: [1, 2] } },
      /input\.features must be a list of column names/,
    ],
    ['an empty features list', { input: { features: [] } }, /input\.features must be a list of column names/],
    [
      'the wrong number of features',
      { input: { features: ['a', 'b'] } },
      /names 2 columns, but the model takes 20 values per sample \(input \[N, 20\]\)/,
    ],
    [
      'a feature named twice',
      { input: { features: [...Array.from({ length: 19 }, (_, i) => `f${i}`), 'f0'] } },
      /names column "f0" twice/,
    ],
    [
      'three means for 20 features',
      { input: { mean: [0, 0, 0] } },
      /input\.mean must be a list of 1 or 20 numbers/,
    ],
    ['a zero std', { input: { std: [0] } }, /input\.std must not contain 0/],
  ];
  for (const [what, sidecar, problem] of badSidecars) {
    it(`names the sidecar and the problem for ${what}`, async () => {
      const path = withSidecar(sidecar);
      await rejectsSidecar(loadModelConfig(path, vectorInfo(20)), sidecarPath(path), problem);
    });
  }

  it('refuses input.features for a model that takes images', async () => {
    const path = join(dir, 'cnn.onnx');
    copyFileSync(MODEL, path);
    writeFileSync(sidecarPath(path), JSON.stringify({ input: { features: ['a'] } }));
    const model = await openModel(path);
    await rejectsSidecar(
      loadModelConfig(path, model.info),
      sidecarPath(path),
      /input\.features is for a model that takes vectors \(\[N, D\]\); this model's input is \[N, 1, 28, 28\]/,
    );
  });

  it("turns wine.csv's rows into the MLP's inputs as PyTorch did: (x − mean) / std per feature", async () => {
    const model = await openModel(MLP);
    const config = await loadModelConfig(MLP, model.info);
    const inputs = vectorInputs(await openDataset(WINE), config.vector!, MLP);
    const expected = await readFloat32(join(TABULAR, 'wine-mlp-inputs.npy'));
    assert.deepEqual([inputs.rows, inputs.dim], expected.shape);
    assert.ok(maxAbsDifference(inputs.data, expected.data) < 1e-5);
  });

  it('takes the named columns in the sidecar order, wherever they sit in the table', async () => {
    // The same table with its columns reversed and an id column first.
    const lines = readFileSync(WINE, 'utf8').trim().split('\n');
    const shuffled = lines.map((line, i) => {
      const cells = line.split(',');
      return [i === 0 ? 'id' : `w${i}`, cells.at(-1), ...cells.slice(0, -1).reverse()].join(',');
    });
    const file = join(dir, 'reversed.csv');
    writeFileSync(file, shuffled.join('\n') + '\n');
    const model = await openModel(MLP);
    const config = await loadModelConfig(MLP, model.info);
    const inputs = vectorInputs(await openDataset(file), config.vector!, MLP);
    const expected = await readFloat32(join(TABULAR, 'wine-mlp-inputs.npy'));
    assert.ok(maxAbsDifference(inputs.data, expected.data) < 1e-5);
  });

  it('names the sidecar, the missing column and the CSV columns when input.features names a column the table lacks', async () => {
    const path = join(dir, 'wine-mlp.onnx');
    copyFileSync(MLP, path);
    const renamed = WINE_COLUMNS.map((name) => (name === 'hue' ? 'colour_hue' : name));
    writeFileSync(sidecarPath(path), JSON.stringify({ input: { features: renamed } }));
    const model = await openModel(path);
    const config = await loadModelConfig(path, model.info);
    const dataset = await openDataset(WINE);
    await rejectsSidecar(
      Promise.resolve().then(() => vectorInputs(dataset, config.vector!, path)),
      sidecarPath(path),
      new RegExp(
        `^input\\.features names column "colour_hue", which ${WINE.replace(/[.\\/]/g, '\\$&')} does not have; ` +
          `its columns are: "alcohol", "malic_acid", .*"hue", .*"proline", "label"$`,
      ),
    );
  });

  it('without input.features takes the numeric columns but the label, and names the model when their count differs', async () => {
    const path = join(dir, 'wine-mlp.onnx');
    copyFileSync(MLP, path);
    const model = await openModel(path);
    const config = await loadModelConfig(path, model.info);
    const wine = vectorInputs(await openDataset(WINE), config.vector!, path);
    // No sidecar: mean 0, std 1, so the inputs are the table's 13 numeric columns as they are.
    assert.equal(maxAbsDifference(wine.data, (await openDataset(WINE)).features!.data), 0);
    await rejectsSidecar(
      Promise.resolve().then(async () =>
        vectorInputs(await openDataset(join(TABULAR, 'breast-cancer.csv')), config.vector!, path),
      ),
      path,
      /takes 13 values per sample \(input \[N, 13\]\), but .*breast-cancer\.csv has 30 numeric columns besides the label/,
    );
  });

  it('feeds a feature .npy whole, and refuses text (bag-of-words components), naming the model', async () => {
    const npy = await openDataset(join(FIXTURES, 'fmnist', 'npy', 'features.npy'));
    const vector = { name: 'x', size: 64, scale: 1, mean: [1], std: [2], flattenedImage: true };
    const inputs = vectorInputs(npy, vector, MLP);
    assert.deepEqual([inputs.rows, inputs.dim], [200, 64]);
    const expected = Float32Array.from(npy.features!.data, (value) => (value - 1) / 2);
    assert.ok(maxAbsDifference(inputs.data, expected) < 1e-6);
    await rejectsSidecar(
      Promise.resolve().then(() => vectorInputs(npy, { ...vector, size: 13 }, MLP)),
      MLP,
      /wine-mlp\.onnx takes 13 values per sample \(input \[N, 13\]\), but .*features\.npy has 64 values per row$/,
    );
    const text = await openDataset(join(FIXTURES, 'text', 'debian-packages.csv'));
    await rejectsSidecar(
      Promise.resolve().then(() => vectorInputs(text, vector, MLP)),
      MLP,
      /but .*debian-packages\.csv holds text \(featurized by bag of words and PCA/,
    );
  });

  it('computes the logits and tapped embeddings of every row as PyTorch within 1e-4, in batches of any size', async () => {
    const model = await openModel(MLP);
    const config = await loadModelConfig(MLP, model.info);
    assert.equal(findEmbeddingTensor(model, config), '/body/body.3/Relu_output_0');
    const inputs = vectorInputs(await openDataset(WINE), config.vector!, MLP);
    const logits = await readFloat32(join(TABULAR, 'wine-mlp-logits.npy'));
    const embeddings = await readFloat32(join(TABULAR, 'wine-mlp-embeddings.npy'));
    for (const batchSize of [256, 7]) {
      const out = await embedVectors(model, config, inputs, { batchSize, files: () => WINE });
      assert.deepEqual([out.logits.rows, out.logits.dim], logits.shape);
      assert.deepEqual([out.embeddings.rows, out.embeddings.dim], embeddings.shape);
      assert.ok(maxAbsDifference(out.logits.data, logits.data) < 1e-4);
      assert.ok(maxAbsDifference(out.embeddings.data, embeddings.data) < 1e-4);
      assert.deepEqual(
        [...out.keptIndices],
        Array.from({ length: 178 }, (_, i) => i),
      );
    }
  });
});
