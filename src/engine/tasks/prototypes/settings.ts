/** The prototypes task's fixed choices, each measured in docs/results.md (bench/eval/tasks/prototypes.ts). */

/** Prototypes and criticisms listed when --count is not given (fewer when the data has fewer samples). */
export const DEFAULT_COUNT = 50;
/** The coverage scorers' similarity graph keeps this many neighbours per k (k = 20 → 100). */
export const COVERAGE_NEIGHBOURS_PER_K = 5;
/**
 * Coverage kernel exp(−γ d²) with γ = this / median d²: a narrower kernel than
 * the plain median heuristic, so that a prototype covers its own
 * neighbourhood rather than half the class. Measured ×1, ×2, ×4, ×8: ×1 is
 * best for 50 prototypes of 5,000 samples, ×8 for 400; ×4 is close to the
 * best at every size.
 */
export const COVERAGE_GAMMA_SCALE = 4;
/**
 * λ of the contrastive scorer: resembling another class's prototype costs half
 * as much as covering one's own gains (0, 0.25, 0.5, 0.75, 1 measured: 0.25
 * and 0.5 tie, both far ahead of 0).
 */
export const CONFUSION_PENALTY = 0.5;

/**
 * Samples per class (or per dataset, without labels) up to which the MMD
 * kernel sums are exact, on onnxruntime (O(n²·d), 25 s at 60,000 × 64 on the
 * 2-core machine); random Fourier features above (O(n·D·d), the same 30 s at
 * 60,000 but 2% off on average and up to 34% on isolated samples there).
 */
export const ORT_EXACT_KERNEL_SUMS_LIMIT = 100_000;
