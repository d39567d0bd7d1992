/** Indices of the unlabelled nodes (label < 0), ascending. */
export function unlabelledNodes(labels: Int32Array): Int32Array {
  let count = 0;
  for (const label of labels) if (label < 0) count++;
  const out = new Int32Array(count);
  let at = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] < 0) out[at++] = i;
  return out;
}
