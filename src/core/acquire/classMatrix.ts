import { InputError } from '../errors';

/** P with labelled rows replaced by their one-hot class; all ones when G = 1. */
export function classMatrix(
  n: number,
  G: number,
  labelledGroup: Int32Array,
  probabilities?: Float64Array,
): Float64Array {
  if (labelledGroup.length !== n) {
    throw new RangeError(`labelledGroup holds ${labelledGroup.length} values but the graph has ${n} nodes`);
  }
  if (!Number.isInteger(G) || G < 1)
    throw new InputError('numGroups', `must be a whole number ≥ 1, got ${G}`);
  if (probabilities && probabilities.length !== n * G) {
    throw new RangeError(`classProbabilities hold ${probabilities.length} values, expected ${n}×${G}`);
  }
  const P = probabilities ? Float64Array.from(probabilities) : new Float64Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    const g = labelledGroup[i];
    if (g >= G) throw new InputError('labels', `sample ${i} has class ${g}, but there are only ${G} classes`);
    if (g < 0) continue;
    for (let c = 0; c < G; c++) P[i * G + c] = c === g ? 1 : 0;
  }
  return P;
}
