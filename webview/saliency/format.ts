/** Text of the saliency panel. Pure. */
import type { SaliencyClass, SaliencyMap, SaliencyProgress } from '../../src/protocol/saliencyPanel';

export function formatProbability(probability: number): string {
  if (probability >= 0.9995) return '100%';
  if (probability < 0.0005) return probability > 0 ? '<0.1%' : '0%';
  return `${(probability * 100).toFixed(1)}%`;
}

/** The `count` most probable classes, most probable first (ties by index). */
export function topClasses(classes: readonly SaliencyClass[], count = 5): SaliencyClass[] {
  return [...classes].sort((a, b) => b.probability - a.probability || a.index - b.index).slice(0, count);
}

export interface Figure {
  key: 'deletion' | 'insertion' | 'sparsity';
  name: string;
  value: string;
  /** Which way is better, for the reader. */
  hint: string;
}

/** The faithfulness figures beside a map, 3 decimals; none without metrics. */
export function figuresOf(map: SaliencyMap): Figure[] {
  if (!map.metrics) return [];
  const { deletionAuc, insertionAuc, sparsity } = map.metrics;
  return [
    { key: 'deletion', name: 'Deletion AUC', value: deletionAuc.toFixed(3), hint: 'lower is more faithful' },
    {
      key: 'insertion',
      name: 'Insertion AUC',
      value: insertionAuc.toFixed(3),
      hint: 'higher is more faithful',
    },
    {
      key: 'sparsity',
      name: 'Sparsity (Gini)',
      value: sparsity.toFixed(3),
      hint: '0 spread evenly, 1 concentrated',
    },
  ];
}

/** "explaining (ig) 12/32" for the progress line. */
export function describeProgress(progress: SaliencyProgress | undefined): string {
  if (!progress) return 'starting…';
  const counts =
    progress.total > 1
      ? ` ${progress.done.toLocaleString('en-US')}/${progress.total.toLocaleString('en-US')}`
      : '';
  return `${progress.stage}${counts}`;
}

/** The progress bar's fraction, or undefined when the stage has no count. */
export function progressFraction(progress: SaliencyProgress | undefined): number | undefined {
  if (!progress || progress.total <= 0) return undefined;
  return Math.max(0, Math.min(1, progress.done / progress.total));
}

/** How long the map took, or that it came from the cache. */
export function describeTiming(map: SaliencyMap): string {
  return map.cached
    ? 'from the cache'
    : `${map.seconds < 10 ? map.seconds.toFixed(2) : map.seconds.toFixed(1)} s`;
}

/** A whole number ≥ 1 from a text field, or undefined for an empty or invalid one (the method default then). */
export function parseCount(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= 1 && Number.isSafeInteger(value) ? value : undefined;
}
