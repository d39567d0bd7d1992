/** Text of the calibration panel. Pure. */
import type { CalibrationCell } from '../../src/protocol/calibratePanel';

/** 0.05 → "5%", 0.125 → "12.5%". */
export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 1000) / 10}%`;
}

/**
 * The best recall a cut can reach: the top ⌈fraction · labelled⌉ samples hold
 * at most that many of the flips (10% flipped: the top 5% finds half at best).
 */
export function attainableRecall(fraction: number, labelled: number, flips: number): number {
  if (flips <= 0) return 1;
  return Math.min(1, Math.ceil(fraction * labelled - 1e-9) / flips);
}

/** Recall (a share in [0, 1]) with three decimals, as the CLI table prints it. */
export function formatRecall(value: number): string {
  return value.toFixed(3);
}

/** "seed 1: 0.800 · seed 2: 0.900 · …" for a cell's tooltip. */
export function seedsTooltip(cell: CalibrationCell, seeds: readonly number[]): string {
  return cell.perSeed.map((value, i) => `seed ${seeds[i] ?? i + 1}: ${formatRecall(value)}`).join(' · ');
}
