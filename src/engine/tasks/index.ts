/**
 * The task registry: the one list of what `margin scan --task` can do. The
 * CLI, the engine, the result files and the panels read everything else
 * (roles, columns, scorers) from these definitions.
 */
import { NotImplementedError, ParameterError } from '../../core/errors';
import { labelsTask } from './labels';
import type { TaskDefinition } from './types';

const TASKS: readonly TaskDefinition[] = [labelsTask];

/** Task names in the order the help lists them. */
export function taskNames(): string[] {
  return TASKS.map((task) => task.name);
}

/** Tasks the design names whose issue has not landed: asked for, they say so. */
const PLANNED_TASKS = ['boundary', 'adversarial', 'prototypes', 'acquire'];

export function findTask(name: string): TaskDefinition {
  const task = TASKS.find((candidate) => candidate.name === name);
  if (task) return task;
  if (PLANNED_TASKS.includes(name)) {
    throw new NotImplementedError(`the ${name} task is not available yet in this version; only: ${taskNames().join(', ')}`);
  }
  throw new ParameterError('task', `must be one of ${taskNames().join(', ')}, got "${name}"`);
}

/** The scorer `requested` names for `task` (`auto` or none: the task's default). */
export function resolveScorer(task: TaskDefinition, requested: string | undefined): string {
  if (requested === undefined || requested === 'auto') return task.defaultScorer;
  if (task.scorers.some((scorer) => scorer.name === requested)) return requested;
  const names = task.scorers.map((scorer) => scorer.name).join(', ');
  throw new ParameterError('scorer', `the ${task.name} task's scorers are ${names} (or auto), got "${requested}"`);
}

export type { TaskDefinition } from './types';
