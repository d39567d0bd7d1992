/**
 * The task registry: the one list of what `margin scan --task` can do. The
 * CLI, the engine, the result files and the panels read everything else
 * (roles, columns, scorers) from these definitions.
 */
import { ParameterError } from '../../core/errors';
import { acquireTask } from './acquire';
import { adversarialTask } from './adversarial';
import { boundaryTask } from './boundary';
import { labelsTask } from './labels';
import { prototypesTask } from './prototypes';
import type { TaskDefinition } from './types';

const TASKS: readonly TaskDefinition[] = [
  labelsTask,
  boundaryTask,
  adversarialTask,
  prototypesTask,
  acquireTask,
];

/** Task names in the order the help lists them. */
export function taskNames(): string[] {
  return TASKS.map((task) => task.name);
}

export function findTask(name: string): TaskDefinition {
  const task = TASKS.find((candidate) => candidate.name === name);
  if (task) return task;
  throw new ParameterError('task', `must be one of ${taskNames().join(', ')}, got "${name}"`);
}

/**
 * The scorer `requested` names for `task`. `auto` or none: the scorer
 * calibration chose for this dataset and model when there is one
 * (`calibrated`), else the task's default.
 */
export function resolveScorer(
  task: TaskDefinition,
  requested: string | undefined,
  calibrated?: string,
): string {
  if (requested === undefined || requested === 'auto') {
    if (calibrated !== undefined && task.scorers.some((scorer) => scorer.name === calibrated))
      return calibrated;
    return task.defaultScorer;
  }
  if (task.scorers.some((scorer) => scorer.name === requested)) return requested;
  const names = task.scorers.map((scorer) => scorer.name).join(', ');
  throw new ParameterError(
    'scorer',
    `the ${task.name} task's scorers are ${names} (or auto), got "${requested}"`,
  );
}

export type { TaskDefinition } from './types';
