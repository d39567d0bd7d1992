/**
 * Builds what the results webview shows from an engine ScanResult. Pure: the
 * host passes in how to turn a file path into a webview URI.
 */
import { dirname, extname, sep } from 'node:path';
import type { ColumnValue, ResultColumn, SampleResult, ScanResult } from '../../protocol/engine';
import type {
  ClassProbability,
  EmbeddingMap,
  ResultRow,
  ResultsPayload,
  ReviewMarks,
} from '../../protocol/resultsPanel';

/** Files a webview <img> can show directly. */
const THUMBNAIL_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

export function isThumbnailFile(path: string): boolean {
  return THUMBNAIL_EXTENSIONS.has(extname(path).toLowerCase());
}

export function isInsideFolder(path: string, folder: string): boolean {
  if (path === folder) return true;
  const prefix = folder.endsWith(sep) ? folder : folder + sep;
  return path.startsWith(prefix);
}

/** The folder holding a dataset's files: the source itself for image folders, else the file's folder. */
export function datasetFolder(dataset: ScanResult['dataset']): string {
  return dataset.kind === 'image-folder' ? dataset.source : dirname(dataset.source);
}

/** Deepest folder that contains every path (the paths are absolute files). */
export function commonFolder(paths: Iterable<string>): string | undefined {
  let common: string | undefined;
  for (const path of paths) {
    if (common === undefined) {
      common = dirname(path);
      continue;
    }
    while (!isInsideFolder(path, common)) {
      const parent = dirname(common);
      if (parent === common) break; // the file-system root contains everything
      common = parent;
    }
  }
  return common;
}

/**
 * The folders the webview may load thumbnails from: the dataset's folder, and
 * for manifests that point elsewhere (`../images/a.png`) the folder holding
 * those images, but only inside a workspace folder, so a manifest cannot open
 * the whole disk to the webview. Thumbnails outside these roots are not shown.
 */
export function thumbnailRoots(result: ScanResult, workspaceFolders: readonly string[]): string[] {
  const base = datasetFolder(result.dataset);
  const outside = result.samples
    .map((sample) => sample.path)
    .filter(
      (path): path is string => path !== undefined && isThumbnailFile(path) && !isInsideFolder(path, base),
    );
  const roots = [base];
  const extra = commonFolder(outside);
  if (extra !== undefined && workspaceFolders.some((folder) => isInsideFolder(extra, folder)))
    roots.push(extra);
  return roots;
}

export function buildResultRow(
  sample: SampleResult,
  columns: readonly ResultColumn[],
  thumbnail: string | undefined,
): ResultRow {
  // Absent values stay absent: 60,000 rows cross postMessage.
  const values: Record<string, ColumnValue> = {};
  for (const column of columns) if (sample[column.key] !== undefined) values[column.key] = sample[column.key];
  const row: ResultRow = {
    index: sample.index,
    rank: sample.rank,
    id: sample.id,
    score: sample.score,
    values,
    openable: sample.path !== undefined,
  };
  if (thumbnail !== undefined) row.thumbnail = thumbnail;
  const neighbours = neighboursOf(sample);
  if (neighbours) row.neighbours = neighbours;
  const probabilities = probabilitiesOf(sample);
  if (probabilities) row.probabilities = probabilities;
  return row;
}

/** At most this many of the model's top classes reach the panel (SampleResult.probabilities promises no more). */
export const TOP_CLASSES = 5;

/**
 * The model's top classes for the sample, most probable first, when the
 * engine sent them. Read defensively, as neighboursOf: older caches lack the
 * field, and a list with anything but labels and probabilities in [0, 1] is
 * dropped rather than shown.
 */
export function probabilitiesOf(sample: SampleResult): ClassProbability[] | undefined {
  const value = (sample as { probabilities?: unknown }).probabilities;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const valid = value.every(
    (entry: unknown) =>
      typeof (entry as ClassProbability | null)?.label === 'string' &&
      typeof (entry as ClassProbability).p === 'number' &&
      (entry as ClassProbability).p >= 0 &&
      (entry as ClassProbability).p <= 1,
  );
  if (!valid) return undefined;
  return (value as ClassProbability[])
    .map(({ label, p }) => ({ label, p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, TOP_CLASSES);
}

/**
 * The sample's kNN neighbours (dataset indices), when the engine sent them.
 * Read defensively: the field is newer than some caches, and a list of
 * anything but indices is dropped rather than shown.
 */
export function neighboursOf(sample: SampleResult): number[] | undefined {
  const value = (sample as { neighbours?: unknown }).neighbours;
  if (!Array.isArray(value)) return undefined;
  return value.every((entry) => Number.isInteger(entry) && entry >= 0) ? (value as number[]) : undefined;
}

/** The result's 2-D map of the embeddings, when it has one of the right length. */
export function embeddingMapOf(result: ScanResult): EmbeddingMap | undefined {
  const map = (result as { map?: unknown }).map as Partial<EmbeddingMap> | undefined;
  if (!map || !Array.isArray(map.x) || !Array.isArray(map.y) || map.x.length !== map.y.length)
    return undefined;
  return { method: String(map.method ?? 'pca'), x: map.x, y: map.y };
}

/** A review decision as the review store keeps it (src/extension/review/reviewStore.ts). */
export type StoredDecision = { state: 'ok' } | { state: 'relabelled'; to: string; from?: string };

/** The decisions of the result's samples, by sample id; `decision` is the review store's lookup. */
export function reviewMarks(
  result: Pick<ScanResult, 'samples' | 'dataset'>,
  decision: (datasetKey: string, sampleId: string) => StoredDecision | undefined,
): ReviewMarks {
  const marks: ReviewMarks = {};
  for (const sample of result.samples) {
    const found = decision(result.dataset.source, sample.id);
    if (found?.state === 'ok') marks[sample.id] = { state: 'ok' };
    else if (found?.state === 'relabelled') marks[sample.id] = { state: 'relabelled', to: found.to };
  }
  return marks;
}

/**
 * `toWebviewUri` turns an absolute file path into the string an <img> in the
 * webview may load (the host uses `webview.asWebviewUri`). Only PNG/JPG files
 * inside `roots` get a thumbnail. Columns without a value in any row are left out.
 */
export function buildResultsPayload(
  result: ScanResult,
  roots: readonly string[],
  toWebviewUri: (path: string) => string,
): ResultsPayload {
  const columns = result.columns.filter((column) =>
    result.samples.some((sample) => sample[column.key] !== undefined),
  );
  const rows = result.samples.map((sample) => {
    const path = sample.path;
    const showable =
      path !== undefined && isThumbnailFile(path) && roots.some((root) => isInsideFolder(path, root));
    return buildResultRow(sample, columns, showable ? toWebviewUri(path) : undefined);
  });
  const payload: ResultsPayload = {
    task: result.task,
    title: result.title,
    scorer: result.scorer,
    columns,
    dataset: result.dataset,
    rows,
    skipped: result.skipped,
    notices: result.notices ?? [],
  };
  if (result.reference) payload.reference = result.reference;
  if (result.metrics) payload.metrics = result.metrics;
  if (result.prototypes) payload.prototypes = result.prototypes;
  if (result.criticisms) payload.criticisms = result.criticisms;
  if (result.distribution) payload.distribution = result.distribution;
  const map = embeddingMapOf(result);
  if (map) payload.map = map;
  return payload;
}
