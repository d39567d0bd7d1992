/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, Algorithms
 * 7.4 and 7.5) with a backtracking line search on the Armijo condition: the
 * smooth, unconstrained minimiser for problems with a handful to a few
 * thousand parameters, where a Hessian is too costly or too messy to write.
 * Deterministic, allocation-light, and it never returns a point worse than
 * its start.
 */

export interface LbfgsOptions {
  /** Iterations at most (default 100). */
  maxIterations?: number;
  /** Stop when the largest |gradient| entry falls below this (default 1e-6). */
  gradientTolerance?: number;
  /** Stop when an iteration lowers f by less than this, relative to |f| (default 1e-10). */
  relativeTolerance?: number;
  /** Correction pairs kept (default 8). */
  memory?: number;
  /** Entries of x that must not move (their gradient is treated as 0). */
  frozen?: ArrayLike<number | boolean>;
  /** Called after each iteration; may be async (a cooperative yield). */
  onIteration?: (iteration: number, value: number) => Promise<void> | void;
}

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  iterations: number;
}

/** f and its gradient at x. */
export type Objective = (x: Float64Array) => { value: number; gradient: Float64Array };

export async function minimiseLbfgs(
  objective: Objective,
  start: ArrayLike<number>,
  options: LbfgsOptions = {},
): Promise<LbfgsResult> {
  const maxIterations = options.maxIterations ?? 100;
  const gradientTolerance = options.gradientTolerance ?? 1e-6;
  const relativeTolerance = options.relativeTolerance ?? 1e-10;
  const memory = options.memory ?? 8;
  const frozen = options.frozen;
  const evaluate = (x: Float64Array) => {
    const result = objective(x);
    if (frozen) for (let t = 0; t < x.length; t++) if (frozen[t]) result.gradient[t] = 0;
    return result;
  };

  let x: Float64Array = Float64Array.from(start);
  let { value, gradient }: { value: number; gradient: Float64Array } = evaluate(x);
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  let iteration = 0;
  while (iteration < maxIterations && largest(gradient) > gradientTolerance && Number.isFinite(value)) {
    iteration++;
    const direction = searchDirection(gradient, steps, changes);
    let slope = dot(direction, gradient);
    if (!(slope < 0)) {
      // Curvature pairs misled us: restart from steepest descent.
      steps.length = 0;
      changes.length = 0;
      for (let t = 0; t < direction.length; t++) direction[t] = -gradient[t];
      slope = dot(direction, gradient);
    }
    // The first step of a fresh run is scaled so that it moves x by at most 1.
    let length = steps.length === 0 ? Math.min(1, 1 / Math.max(largest(direction), 1e-300)) : 1;
    let next: { x: Float64Array; value: number; gradient: Float64Array } | undefined;
    for (let tries = 0; tries < 40; tries++) {
      const candidate = Float64Array.from(x, (v, t) => v + length * direction[t]);
      const evaluated = evaluate(candidate);
      if (Number.isFinite(evaluated.value) && evaluated.value <= value + 1e-4 * length * slope) {
        next = { x: candidate, ...evaluated };
        break;
      }
      length /= 2;
    }
    if (!next) break;
    const step = Float64Array.from(next.x, (v, t) => v - x[t]);
    const change = Float64Array.from(next.gradient, (v, t) => v - gradient[t]);
    if (dot(step, change) > 1e-12) {
      steps.push(step);
      changes.push(change);
      if (steps.length > memory) {
        steps.shift();
        changes.shift();
      }
    }
    const improvement = value - next.value;
    x = next.x;
    value = next.value;
    gradient = next.gradient;
    await options.onIteration?.(iteration, value);
    if (improvement <= relativeTolerance * Math.max(Math.abs(value), 1)) break;
  }
  return { x, value, iterations: iteration };
}

/** −H·g by the two-loop recursion over the stored pairs (Nocedal & Wright, Algorithm 7.4). */
function searchDirection(
  gradient: Float64Array,
  steps: Float64Array[],
  changes: Float64Array[],
): Float64Array {
  const q = Float64Array.from(gradient);
  const alphas = new Float64Array(steps.length);
  for (let m = steps.length - 1; m >= 0; m--) {
    alphas[m] = dot(steps[m], q) / dot(changes[m], steps[m]);
    for (let t = 0; t < q.length; t++) q[t] -= alphas[m] * changes[m][t];
  }
  if (steps.length > 0) {
    const last = steps.length - 1;
    const scale = dot(steps[last], changes[last]) / dot(changes[last], changes[last]);
    for (let t = 0; t < q.length; t++) q[t] *= scale;
  }
  for (let m = 0; m < steps.length; m++) {
    const beta = dot(changes[m], q) / dot(changes[m], steps[m]);
    for (let t = 0; t < q.length; t++) q[t] += steps[m][t] * (alphas[m] - beta);
  }
  for (let t = 0; t < q.length; t++) q[t] = -q[t];
  return q;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let t = 0; t < a.length; t++) sum += a[t] * b[t];
  return sum;
}

function largest(values: Float64Array): number {
  let max = 0;
  for (const v of values) if (Math.abs(v) > max) max = Math.abs(v);
  return max;
}
