/**
 * Indices ordered by score, highest first; equal scores keep index order.
 * NaN scores go last (in index order) so one bad value cannot scramble the ranking.
 */
export function rankByScore(scores: ArrayLike<number>): Int32Array {
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => {
    const sa = scores[a];
    const sb = scores[b];
    const aNaN = Number.isNaN(sa);
    const bNaN = Number.isNaN(sb);
    if (aNaN || bNaN) return aNaN === bNaN ? a - b : aNaN ? 1 : -1;
    return sa > sb ? -1 : sa < sb ? 1 : a - b;
  });
  return order;
}
