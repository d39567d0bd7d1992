import { crossValidatedProbabilities } from '../../../core/labels';
import { softmaxRows } from '../../../core/softmax';
import type { Representation } from '../../representation';
import { stageOptions, type JobContext } from '../../context';
import { classIndexOf, classNamesOf } from '../boundary/classes';
import type { LabelSpace } from '../labelSpace';

export interface ClassProbabilities {
  /** rows × C over the label space's classes (C = space.names.length), rows summing to 1. */
  values: Float64Array;
  /** What the user should know about where they came from, when it is not simply the model. */
  notice?: string;
}

/**
 * Class probabilities over the given labels' classes: the model's softmax,
 * restricted to those classes and renormalised (the data may hold fewer
 * classes than the model knows), when every class is one of the model's (by
 * name or index). Otherwise, or without a model, an out-of-fold logistic
 * regression on the points, with a notice saying so.
 */
export async function classProbabilities(
  representation: Representation,
  space: LabelSpace,
  context: JobContext,
): Promise<ClassProbabilities> {
  const C = space.names.length;
  const { logits } = representation;
  if (logits) {
    const modelNames = classNamesOf(representation.classNames, logits.dim);
    const columns = space.names.map((name) => classIndexOf(name, modelNames));
    const strangers = space.names.filter((_, code) => columns[code] < 0);
    if (strangers.length === 0) {
      const softmax = softmaxRows(logits.data, logits.dim);
      const values = new Float64Array(logits.rows * C);
      for (let row = 0; row < logits.rows; row++) {
        let sum = 0;
        for (let c = 0; c < C; c++) sum += values[row * C + c] = softmax[row * logits.dim + columns[c]];
        for (let c = 0; c < C; c++) values[row * C + c] = sum > 0 ? values[row * C + c] / sum : 1 / C;
      }
      return { values };
    }
    const values = await crossValidated(representation, space, context);
    return {
      values,
      notice: `the labels ${quoted(strangers)} are none of the model's classes (${modelNames.join(', ')}): class probabilities come from a logistic regression on the model's features, out of fold, instead of its softmax`,
    };
  }
  const values = await crossValidated(representation, space, context);
  return {
    values,
    notice:
      'no model: class probabilities come from a logistic regression on the points, out of fold (5 folds, each sample scored by a fit that never saw its label)',
  };
}

function crossValidated(representation: Representation, space: LabelSpace, context: JobContext) {
  return crossValidatedProbabilities(
    representation.points,
    space.codes,
    space.names.length,
    stageOptions(context, 'fitting class probabilities'),
  );
}

function quoted(names: string[]): string {
  const shown = names.slice(0, 3).map((name) => `"${name}"`);
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}
