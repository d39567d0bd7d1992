import type { DenseMatrix } from '../../../core/types';
import type { LabelSpace } from '../labelSpace';
import type { ClassProbabilities } from './scorers';
import { softmaxRows as softmax } from '../../../core/softmax';

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

/** Row-wise softmax in float64 of a logits matrix. */
export function softmaxRows({ dim, data }: DenseMatrix): Float64Array {
  return softmax(data, dim);
}
