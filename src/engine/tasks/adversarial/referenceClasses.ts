import { InputError } from '../../../core/errors';

/**
 * The reference's labels as the model's class indices: by name when the
 * sidecar names the classes (an image folder's folder names, a manifest's
 * label column), or as indices when they are integers (IDX, NPY). A label that
 * is neither is −1 (the sample is left out); when none can be read, the
 * reference cannot teach the detectors anything, which is an error.
 */
export function referenceClasses(
  labels: (string | undefined)[],
  classNames: string[] | undefined,
  classes: number,
  source: string,
): { codes: Int32Array; unknown: number } {
  const byName = new Map((classNames ?? []).map((name, index) => [name, index]));
  const codes = new Int32Array(labels.length).fill(-1);
  let unknown = 0;
  let example: string | undefined;
  labels.forEach((label, i) => {
    if (label === undefined || label === '') return;
    const named = byName.get(label);
    const numeric = /^\d+$/.test(label) ? Number(label) : NaN;
    const code = named ?? (numeric < classes ? numeric : -1);
    if (code >= 0) codes[i] = code;
    else {
      unknown++;
      example ??= label;
    }
  });
  if (codes.every((code) => code < 0)) {
    const known = classNames
      ? `its classes are ${classNames.slice(0, 10).join(', ')}${classNames.length > 10 ? ', …' : ''}`
      : `it has ${classes} classes, 0..${classes - 1}`;
    throw new InputError(
      source,
      example === undefined
        ? 'has no labels; the adversarial task needs a labelled clean reference (pass --reference-labels, or a reference with its labels)'
        : `is labelled "${example}", which is not a class of the model (${known}); label the reference with the model's class names or indices`,
    );
  }
  return { codes, unknown };
}
