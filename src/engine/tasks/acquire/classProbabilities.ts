import type { DenseMatrix } from '../../../core/types';
import type { LabelSpace } from '../labelSpace';
import type { ClassProbabilities } from './scorers';

/**
 * The model's softmax, for the class-aware facility location, when its classes
 * can be matched with the given labels: by the sidecar's class names, or by
 * index when the labels are class numbers and the model has no names. Returns
 * a reason instead when they cannot be matched (the model was trained on other
 * classes), so the caller can say why the model was not used.
 */
export function modelClassProbabilities(
  logits: DenseMatrix,
  classNames: string[] | undefined,
  space: LabelSpace,
): ClassProbabilities | { unmatched: string[] } {
  const modelClassOf = space.names.map((name) => {
    if (classNames) return classNames.indexOf(name);
    return /^\d+$/.test(name) && Number(name) < logits.dim ? Number(name) : -1;
  });
  const unmatched = space.names.filter((_, code) => modelClassOf[code] < 0);
  if (unmatched.length > 0) return { unmatched };
  return {
    values: softmaxRows(logits),
    numGroups: logits.dim,
    labelledGroup: space.codes.map((code) => (code >= 0 ? modelClassOf[code] : -1)),
  };
}

/** Row-wise softmax in float64, shifted by the row maximum so that large logits do not overflow. */
export function softmaxRows({ rows, dim, data }: DenseMatrix): Float64Array {
  const out = new Float64Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let max = -Infinity;
    for (let c = 0; c < dim; c++) max = Math.max(max, data[i * dim + c]);
    let sum = 0;
    for (let c = 0; c < dim; c++) sum += out[i * dim + c] = Math.exp(data[i * dim + c] - max);
    for (let c = 0; c < dim; c++) out[i * dim + c] /= sum;
  }
  return out;
}
