/**
 * The label noise calibration injects: exactly round(fraction · n) of the n
 * labelled rows, chosen uniformly without replacement, each moved to one of
 * the other classes uniformly (symmetric noise, as the benchmarks flip). Pure
 * and seeded, so a seed always flips the same rows to the same classes.
 */
import { ParameterError } from '../../core/errors';
import { sampleWithoutReplacement, seededUniform } from '../../core/random';

export interface LabelFlips {
  /** The rows flipped, ascending. */
  rows: Int32Array;
  /** Every row's class after flipping (−1 stays −1: unlabelled rows are never flipped). */
  codes: Int32Array;
}

/** The largest share calibration flips: beyond half, the flips are the majority and "noise" means nothing. */
export const MAX_FLIP_FRACTION = 0.5;

export function checkFlipFraction(fraction: number): void {
  if (!(Number.isFinite(fraction) && fraction > 0 && fraction <= MAX_FLIP_FRACTION))
    throw new ParameterError('fraction', `must lie in (0, ${MAX_FLIP_FRACTION}], got ${fraction}`);
}

/** How many of `labelled` rows a fraction flips; at least one, or a clear error. */
export function flipCount(labelled: number, fraction: number): number {
  checkFlipFraction(fraction);
  const count = Math.round(fraction * labelled);
  if (count < 1)
    throw new ParameterError(
      'fraction',
      `${fraction} of ${labelled} labelled samples flips none: give a larger fraction or more samples`,
    );
  return count;
}

/**
 * `codes` are class indices in [0, classCount), −1 for unlabelled rows.
 * Needs at least two classes (there is nowhere to flip to otherwise).
 */
export function drawLabelFlips(
  codes: Int32Array,
  classCount: number,
  fraction: number,
  seed: number,
): LabelFlips {
  if (classCount < 2)
    throw new ParameterError('classes', `flipping needs at least two classes, got ${classCount}`);
  const eligible: number[] = [];
  for (let row = 0; row < codes.length; row++) if (codes[row] >= 0) eligible.push(row);
  const count = flipCount(eligible.length, fraction);
  const random = seededUniform(seed);
  const chosen = sampleWithoutReplacement(eligible.length, count, random);
  const flipped = Int32Array.from(codes);
  const rows = new Int32Array(count);
  chosen.forEach((position, i) => {
    const row = eligible[position];
    // One of the classCount − 1 others: shift by 1 … classCount − 1, never 0.
    const shift = 1 + Math.floor(random() * (classCount - 1));
    flipped[row] = (codes[row] + shift) % classCount;
    rows[i] = row;
  });
  return { rows: rows.sort(), codes: flipped };
}
