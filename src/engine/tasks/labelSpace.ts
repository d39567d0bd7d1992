import type { DenseMatrix } from '../../core/types';

/** Given labels as class codes for the core maths, and as names for people. */
export interface LabelSpace {
  /** Class names; `codes` index into it. */
  names: string[];
  /** One code per row; −1 where the label is unknown. */
  codes: Int32Array;
  /** The label shown for each row (a class name when integer labels could be named). */
  display: (string | undefined)[];
  known: number;
}

/**
 * Integer labels (IDX, NPY) are named by the model's class names when every one
 * of them is a valid class index, so that "7" reads "Sneaker". Otherwise the
 * distinct labels, sorted, are the classes.
 */
export function encodeLabels(given: (string | undefined)[], classNames?: string[]): LabelSpace {
  const present = given.filter((label): label is string => label !== undefined && label !== '');
  const namedByModel =
    classNames !== undefined &&
    present.length > 0 &&
    present.every((label) => /^\d+$/.test(label) && Number(label) < classNames.length);
  const display = namedByModel
    ? given.map((label) => (label === undefined || label === '' ? undefined : classNames[Number(label)]))
    : given.map((label) => (label === '' ? undefined : label));
  const names = namedByModel ? [...classNames] : [...new Set(present)].sort(compareLabels);
  const codeOf = new Map(names.map((name, code) => [name, code]));
  const codes = new Int32Array(given.length);
  let known = 0;
  display.forEach((label, row) => {
    const code = label === undefined ? -1 : (codeOf.get(label) ?? -1);
    codes[row] = code;
    if (code >= 0) known++;
  });
  return { names, codes, display, known };
}

/** Numeric labels sort as numbers ("2" before "10"), others as strings. */
function compareLabels(a: string, b: string): number {
  const numeric = /^-?\d+(\.\d+)?$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Arg-max of each row of logits, named by the class names when there are any. */
export function predictedClass(logits: DenseMatrix, classNames?: string[]): string[] {
  const names: string[] = [];
  for (let row = 0; row < logits.rows; row++) {
    let best = 0;
    for (let j = 1; j < logits.dim; j++) {
      if (logits.data[row * logits.dim + j] > logits.data[row * logits.dim + best]) best = j;
    }
    names.push(classNames?.[best] ?? String(best));
  }
  return names;
}
