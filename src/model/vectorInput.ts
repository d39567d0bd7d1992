/**
 * Table rows → the input of a model that takes vectors `[N, D]`: the columns
 * the sidecar's `input.features` names (else the table's feature columns: its
 * numeric columns but the label), x = (value · scale − mean[d]) / std[d].
 */
import { basename } from 'node:path';
import { InputError } from '../core/errors';
import type { DenseMatrix } from '../core/types';
import { listColumns } from '../data/table';
import type { Dataset } from '../data/types';
import { sidecarPath, type VectorInputConfig } from './sidecar';

/**
 * The model inputs of every row, row-major [N, D]. A feature .npy (N×D) is fed
 * whole. Errors name the sidecar for a column the table lacks, and the model
 * for data it cannot take (images, text, another width).
 */
export function vectorInputs(dataset: Dataset, vector: VectorInputConfig, modelPath: string): DenseMatrix {
  return normalised(modelFeatures(dataset, vector, modelPath), vector, modelPath);
}

/**
 * The model input of one row (0-based) of `dataset`: row `row` of
 * `vectorInputs`, without normalising the others (explaining one row of a
 * large table). The caller checks that the row exists.
 */
export function vectorInputRow(
  dataset: Dataset,
  vector: VectorInputConfig,
  modelPath: string,
  row: number,
): Float32Array {
  const { dim, data } = modelFeatures(dataset, vector, modelPath);
  const one = { rows: 1, dim, data: data.subarray(row * dim, (row + 1) * dim) };
  return normalised(one, vector, modelPath).data;
}

/** The columns the model takes, unnormalised, checked against the model's width. */
function modelFeatures(dataset: Dataset, vector: VectorInputConfig, modelPath: string): DenseMatrix {
  const width = vector.size ?? 'D';
  const takes = `${basename(modelPath)} takes ${vector.size ?? 'a fixed number of'} values per sample (input [N, ${width}])`;
  const features = dataset.features;
  if (!features || (dataset.kind !== 'tabular' && dataset.kind !== 'npy')) {
    const holds = dataset.images
      ? 'images'
      : 'text (featurized by bag of words and PCA, not the values the model was trained on)';
    throw new InputError(
      modelPath,
      `${takes}, but ${dataset.source} holds ${holds}; give a table of numeric features (CSV) or a feature .npy`,
    );
  }
  const matrix = vector.features ? namedColumns(dataset, vector.features, modelPath) : features;
  if (vector.size !== undefined && matrix.dim !== vector.size) {
    const has = dataset.columns
      ? `${matrix.dim} numeric columns besides the label (${listColumns(dataset.columns.features)}); ` +
        `name the model's columns in ${basename(sidecarPath(modelPath))} ("input": {"features": [...]})`
      : `${matrix.dim} values per row`;
    throw new InputError(modelPath, `${takes}, but ${dataset.source} has ${has}`);
  }
  return matrix;
}

/** The columns `input.features` names, in its order; the sidecar is named when one is missing. */
function namedColumns(dataset: Dataset, names: string[], modelPath: string): DenseMatrix {
  const columns = dataset.columns;
  if (!columns) {
    throw new InputError(
      sidecarPath(modelPath),
      `input.features names table columns, but ${dataset.source} is an array without column names`,
    );
  }
  const missing = names.find((name) => !columns.all.includes(name));
  if (missing !== undefined) {
    throw new InputError(
      sidecarPath(modelPath),
      `input.features names column "${missing}", which ${dataset.source} does not have; its columns are: ${listColumns(columns.all)}`,
    );
  }
  return columns.select(names);
}

/** x = (value · scale − mean[d]) / std[d], folded into one multiply-add per value. */
function normalised(matrix: DenseMatrix, vector: VectorInputConfig, modelPath: string): DenseMatrix {
  const { rows, dim, data } = matrix;
  const entry = (values: number[], key: string) => {
    // The sidecar check knows D only when the model fixes it; a symbolic D is the table's.
    if (values.length !== 1 && values.length !== dim) {
      throw new InputError(
        sidecarPath(modelPath),
        `input.${key} has ${values.length} entries, but the model is fed ${dim} features (give 1 or ${dim})`,
      );
    }
    return (d: number) => values[values.length === 1 ? 0 : d];
  };
  const mean = entry(vector.mean, 'mean');
  const std = entry(vector.std, 'std');
  const gain = Float64Array.from({ length: dim }, (_, d) => vector.scale / std(d));
  const shift = Float64Array.from({ length: dim }, (_, d) => mean(d) / std(d));
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) out[r * dim + d] = data[r * dim + d] * gain[d] - shift[d];
  }
  return { rows, dim, data: out };
}
