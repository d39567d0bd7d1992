/**
 * Turns the engine's per-stage progress (`stage`, `done`, `total`) into the
 * increments of one VS Code progress bar (0–100, increments only, never back).
 *
 * The engine does not announce its stages in advance, so each new stage claims
 * a share of what is left of the bar. Known stages carry a share that reflects
 * their usual cost (running the model dominates a cold scan); an unknown stage
 * takes half of what is left. The bar therefore moves with real work and never
 * reaches 100 before the last stage ends.
 */
const STAGE_SHARE: Record<string, number> = {
  'reading the dataset': 0.05,
  'reading pixels': 0.4,
  'running the model': 0.7,
  'pixel PCA': 0.3,
  'building the kNN graph': 0.8,
  filtering: 0.9,
  're-scoring with flipped labels': 0.95,
};
const UNKNOWN_STAGE_SHARE = 0.5;

export interface ProgressStep {
  /** Percentage points to add to the bar (≥ 0). */
  increment: number;
  /** What to show next to the bar, e.g. "running the model (1,024/60,000)". */
  message: string;
}

export class StageProgress {
  private stage: string | undefined;
  /** Where the current stage starts on the bar, and how much of it the stage owns. */
  private stageStart = 0;
  private stageSpan = 0;
  /** Percentage already reported to VS Code. */
  private reported = 0;

  constructor(private readonly shares: Record<string, number> = STAGE_SHARE) {}

  update(stage: string, done: number, total: number): ProgressStep {
    if (stage !== this.stage) {
      this.stage = stage;
      this.stageStart = this.reported;
      const share = this.shares[stage] ?? UNKNOWN_STAGE_SHARE;
      this.stageSpan = (100 - this.stageStart) * share;
    }
    const fraction = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
    const target = this.stageStart + this.stageSpan * fraction;
    const increment = Math.max(0, target - this.reported);
    this.reported += increment;
    return { increment, message: describeStage(stage, done, total) };
  }

  /** Percentage shown so far. */
  get percent(): number {
    return this.reported;
  }
}

export function describeStage(stage: string, done: number, total: number): string {
  // A 0/1 or 1/1 stage is a single step: the count says nothing.
  if (total <= 1) return stage;
  return `${stage} (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')})`;
}
