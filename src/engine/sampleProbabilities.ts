/**
 * The model's most probable classes per sample (`SampleResult.probabilities`):
 * next to the task's `predicted` column, the detail pane can show how sure the
 * model was and what it hesitated between. Read from the logits the
 * representation already holds, whatever the task, so no task computes them.
 */
import { softmaxRows } from '../core/softmax';
import type { ClassProbability } from '../protocol/engine';
import type { Representation } from './representation';
import { classNamesOf } from './tasks/boundary/classes';

/** Classes listed per sample: enough to show the runner-up classes, 5 small objects a sample in the JSON. */
export const LISTED_CLASSES = 5;
/** Significant digits kept of each probability. */
export const PROBABILITY_DIGITS = 4;

/**
 * Each sample's top classes by dataset index (`count` long; undefined for
 * samples the model did not read), or undefined when no model ran. Classes
 * are the model's (named as `predicted` names them: the sidecar's names, else
 * the logit index), over all its classes, most probable first, ties in class
 * order, so the first is the task's `predicted` class.
 */
export function topClassesByIndex(
  representation: Pick<Representation, 'logits' | 'classNames' | 'keptIndices'>,
  count: number,
): (ClassProbability[] | undefined)[] | undefined {
  const { logits, classNames, keptIndices } = representation;
  if (!logits || logits.dim === 0) return undefined;
  const C = logits.dim;
  const names = classNamesOf(classNames, C);
  const softmax = softmaxRows(logits.data, C);
  const listed = Math.min(LISTED_CLASSES, C);
  const lists = new Array<ClassProbability[] | undefined>(count).fill(undefined);
  const order = Array.from({ length: C }, (_, c) => c);
  for (let row = 0; row < logits.rows; row++) {
    const p = (c: number) => softmax[row * C + c];
    // NaN logits (a model that overflowed) sort last rather than breaking the order.
    const ranked = order
      .slice()
      .sort((a, b) => (Number.isNaN(p(a)) ? 1 : 0) - (Number.isNaN(p(b)) ? 1 : 0) || p(b) - p(a) || a - b);
    lists[keptIndices[row]] = ranked
      .slice(0, listed)
      .map((c) => ({ label: names[c], p: roundDown(p(c), PROBABILITY_DIGITS) }));
  }
  return lists;
}

/**
 * `value` rounded toward zero to `digits` significant digits. Down rather than
 * to nearest: the listed probabilities then never sum above 1 (0.99996 and
 * 0.00004 would round to 1 and 0.00004).
 */
export function roundDown(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const nearest = Number(value.toPrecision(digits));
  if (Math.abs(nearest) <= Math.abs(value)) return nearest;
  // One unit of the last kept digit toward zero, written in decimal so the parse is exact.
  const [mantissa, exponent] = Math.abs(nearest).toExponential(digits - 1).split('e');
  let scaled = Math.round(Number(mantissa) * 10 ** (digits - 1)) - 1;
  let power = Number(exponent) - (digits - 1);
  // 1.000 less one unit is 0.9999, a digit further down.
  if (scaled < 10 ** (digits - 1)) {
    scaled = 10 ** digits - 1;
    power--;
  }
  const magnitude = Number(`${scaled}e${power}`);
  return Math.sign(value) * magnitude;
}
