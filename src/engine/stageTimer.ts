/** Wall milliseconds per named stage of a job; a stage timed twice adds up. */
export function stageTimer(): {
  timings: Record<string, number>;
  timed: <T>(stage: string, work: () => Promise<T>) => Promise<T>;
} {
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] = (timings[stage] ?? 0) + Math.round(performance.now() - start);
    }
  };
  return { timings, timed };
}
