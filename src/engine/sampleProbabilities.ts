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
  const top = new Int32Array(listed);
  for (let row = 0; row < logits.rows; row++) {
    topClassesOfRow(softmax, row * C, C, top);
    const list = new Array<ClassProbability>(listed);
    for (let t = 0; t < listed; t++) {
      const c = top[t];
      list[t] = { label: names[c], p: roundDown(softmax[row * C + c], PROBABILITY_DIGITS) };
    }
    lists[keptIndices[row]] = list;
  }
  return lists;
}

/**
 * The `top.length` most probable classes of one row into `top`, most probable
 * first, ties in class order, NaN (a model that overflowed) after every
 * number: an insertion into a short list per class, as a sort of all C
 * classes per row with a comparator cost 0.2 s at 60,000 rows.
 */
function topClassesOfRow(p: Float64Array, offset: number, C: number, top: Int32Array): void {
  const listed = top.length;
  const rank = (c: number) => (Number.isNaN(p[offset + c]) ? -1 : p[offset + c]);
  let filled = 0;
  for (let c = 0; c < C; c++) {
    const value = rank(c);
    // Classes come in order, so an equal p stays behind the earlier class.
    let at = filled;
    while (at > 0 && rank(top[at - 1]) < value) at--;
    if (at >= listed) continue;
    for (let t = Math.min(filled, listed - 1); t > at; t--) top[t] = top[t - 1];
    top[at] = c;
    if (filled < listed) filled++;
  }
}

/**
 * `value` rounded toward zero to `digits` significant digits. Down rather than
 * to nearest: the listed probabilities then never sum above 1 (0.99996 and
 * 0.00004 would round to 1 and 0.00004).
 *
 * The result is the largest decimal of `digits` significant digits whose
 * double is at most |value|. With the decimal written m · 10⁻ˢ, m and 10ˢ
 * (s ≤ 22) are exact doubles, so m / 10ˢ is the double a parse of that decimal
 * gives; m is found from the scaled value and corrected by one either way.
 * Other cases (very small values, an exponent misjudged near a power of ten)
 * take the decimal-string path, `roundDownByString`, which the tests hold
 * this one to.
 */
export function roundDown(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.abs(value);
  const shift = digits - 1 - Math.floor(Math.log10(magnitude));
  if (shift >= 0 && shift <= 22) {
    const scale = 10 ** shift;
    let m = Math.floor(magnitude * scale);
    if ((m + 1) / scale <= magnitude) m++;
    else if (m / scale > magnitude) m--;
    if (m >= 10 ** (digits - 1) && m < 10 ** digits) return Math.sign(value) * (m / scale);
  }
  return roundDownByString(value, digits);
}

/** roundDown through decimal strings: slower (a string or two per value), and right for every finite value. */
export function roundDownByString(value: number, digits: number): number {
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
