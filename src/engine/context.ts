import type { ComputeOptions } from '../core/types';

/** What a running job is given: where to report, when to stop, where to log. */
export interface JobContext {
  signal?: AbortSignal;
  progress(stage: string, done: number, total: number): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

/** Adapts a job's progress to one stage of a core/ or model/ computation. */
export function stageOptions(context: JobContext, stage: string): ComputeOptions {
  return {
    signal: context.signal,
    onProgress: (done, total) => context.progress(stage, done, total),
  };
}

export const silentContext: JobContext = { progress: () => {}, log: () => {} };
