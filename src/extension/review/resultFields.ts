/**
 * Reads the result fields inline review needs (a row's manifest line, its
 * neighbours, the manifest and its label column), checking their types: they
 * are optional, and `neighbours` is an array where other columns are scalars.
 */
import type { DatasetSummary, SampleResult } from '../../protocol/engine';

/** 1-based line of the sample's row in its manifest. */
export function sampleLine(sample: SampleResult): number | undefined {
  const line = (sample as Record<string, unknown>).line;
  return typeof line === 'number' && Number.isInteger(line) && line >= 1 ? line : undefined;
}

/** Dataset indices of the sample's nearest neighbours, nearest first. */
export function sampleNeighbours(sample: SampleResult): number[] {
  const neighbours = (sample as Record<string, unknown>).neighbours;
  return Array.isArray(neighbours)
    ? neighbours.filter((index): index is number => typeof index === 'number')
    : [];
}

/** The manifest file (CSV, TSV, JSONL) the dataset was read from, when it is one. */
export function datasetManifest(dataset: DatasetSummary): string | undefined {
  const manifest = (dataset as unknown as Record<string, unknown>).manifest;
  if (typeof manifest === 'string' && manifest) return manifest;
  // Before the engine reported `manifest`, a manifest dataset's source was the manifest itself.
  return dataset.kind === 'manifest' ? dataset.source : undefined;
}

export function datasetLabelColumn(dataset: DatasetSummary): string | undefined {
  const column = (dataset as unknown as Record<string, unknown>).labelColumn;
  return typeof column === 'string' && column ? column : undefined;
}

/** The folder an image-folder dataset's class folders are in. */
export function datasetRoot(dataset: DatasetSummary): string {
  const root = (dataset as unknown as Record<string, unknown>).root;
  return typeof root === 'string' && root ? root : dataset.source;
}
