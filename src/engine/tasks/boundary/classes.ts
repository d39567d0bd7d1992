import { InputError } from '../../../core/errors';
import type { DenseMatrix } from '../../../core/types';
import { subsetRows } from '../../../core/boundary';
import type { TaskDataset } from '../types';

/** The model's class names, by logit index ("0", "1", … when the sidecar names none). */
export function classNamesOf(classNames: string[] | undefined, numClasses: number): string[] {
  return Array.from({ length: numClasses }, (_, c) => classNames?.[c] ?? String(c));
}

/**
 * A given label as the model's class index: its class name, or an integer
 * label (IDX, NPY) that is a valid index. −1 for a missing label, −2 for a
 * label that is none of the model's classes.
 */
export function classIndexOf(label: string | undefined, names: string[]): number {
  if (label === undefined || label === '') return -1;
  const byName = names.indexOf(label);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(label) && Number(label) < names.length) return Number(label);
  return -2;
}

/** The labelled part of the reference set, in the model's class indices. */
export interface LabelledReference {
  source: string;
  points: DenseMatrix;
  logits?: DenseMatrix;
  labels: Int32Array;
  /** Reference rows left out because they carry no label. */
  unlabelled: number;
  /** How many reference samples each class has. */
  perClass: number[];
}

/**
 * The reference's labelled samples; every label must be one of the model's
 * classes (by name or index), and at least two classes must be present:
 * evidence about a decision boundary compares classes.
 */
export function labelledReference(reference: TaskDataset, names: string[]): LabelledReference {
  const { dataset, representation } = reference;
  const rows: number[] = [];
  const labels: number[] = [];
  for (let row = 0; row < representation.keptIndices.length; row++) {
    const index = representation.keptIndices[row];
    const label = dataset.labels[index];
    const code = classIndexOf(label, names);
    if (code === -2) {
      throw new InputError(
        dataset.source,
        `sample ${dataset.samples[index]?.id ?? index} has the label "${label}", which is none of the model's classes (${names.join(', ')})`,
      );
    }
    if (code >= 0) {
      rows.push(row);
      labels.push(code);
    }
  }
  if (rows.length === 0) {
    throw new InputError(
      dataset.source,
      'has no labels; the reference set needs them: give them with --reference-labels',
    );
  }
  const perClass = names.map((_, c) => labels.filter((label) => label === c).length);
  const present = perClass.filter((count) => count > 0).length;
  if (present < 2) {
    throw new InputError(
      dataset.source,
      `has labelled samples of one class only (${names[labels[0]]}); the reference evidence compares classes: give a reference with at least two`,
    );
  }
  const kept = Int32Array.from(rows);
  const all = rows.length === representation.keptIndices.length;
  return {
    source: dataset.source,
    points: all ? representation.points : subsetRows(representation.points, kept),
    logits: representation.logits && (all ? representation.logits : subsetRows(representation.logits, kept)),
    labels: Int32Array.from(labels),
    unlabelled: representation.keptIndices.length - rows.length,
    perClass,
  };
}
