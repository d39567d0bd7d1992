/** "Why was this flagged?" in one sentence, from the labels of a sample's nearest neighbours. Pure. */
import type { ResultRow } from '../../src/protocol/resultsPanel';

/**
 * E.g. "7 of 10 neighbours are labelled Shirt, not T-shirt/top." When the
 * sample has no class column, the sentence only counts the neighbours.
 */
export function describeNeighbours(
  row: ResultRow,
  indices: readonly number[],
  rowsByIndex: ReadonlyMap<number, ResultRow>,
  classKey: string | undefined,
): string {
  if (indices.length === 0) return 'No neighbours recorded.';
  if (classKey === undefined) return `The ${indices.length} samples nearest to it in the embedding.`;
  const own = row.values[classKey];
  const counts = new Map<string, number>();
  let known = 0;
  for (const index of indices) {
    const label = rowsByIndex.get(index)?.values[classKey];
    if (label === undefined || label === '') continue;
    known++;
    counts.set(String(label), (counts.get(String(label)) ?? 0) + 1);
  }
  if (known === 0) return `None of the ${indices.length} neighbours has a label.`;
  // The most common label; ties go to the one met first (the nearer neighbour).
  let majority = '';
  let most = 0;
  for (const [label, n] of counts)
    if (n > most) {
      majority = label;
      most = n;
    }
  const same = own === undefined ? 0 : (counts.get(String(own)) ?? 0);
  if (own === undefined || own === '') return `${most} of ${known} neighbours are labelled ${majority}.`;
  if (majority === String(own)) return `${same} of ${known} neighbours share its label ${String(own)}.`;
  return `${most} of ${known} neighbours are labelled ${majority}, not ${String(own)}; ${same} share its label.`;
}
