/** The fixture model's representations of small fixture sets, shared by the boundary task's tests. */
import { join, resolve } from 'node:path';
import { openDataset } from '../../../../../src/data/open';
import { silentContext } from '../../../../../src/engine/context';
import { computeRepresentation } from '../../../../../src/engine/representation';
import { resolveParams } from '../../../../../src/engine/scan';
import { boundaryTask } from '../../../../../src/engine/tasks/boundary';
import type { ResolvedScanParams, TaskDataset } from '../../../../../src/engine/tasks/types';
import type { DatasetRole, DatasetSpec } from '../../../../../src/protocol/engine';

export const FMNIST = resolve(__dirname, '../../../../fixtures/fmnist');
export const MODEL = join(FMNIST, 'model.onnx');
/** t10k images 0..199 (uint8 .npy) with their labels. */
export const NPY_IMAGES = join(FMNIST, 'npy', 'images.npy');
/** t10k images 0..299 (IDX) with their labels. */
export const IDX = join(FMNIST, 'idx');

const opened = new Map<string, Promise<TaskDataset>>();

/** A dataset run through the fixture model (once per test run). */
export function embedded(path: string, role: DatasetRole = 'data'): Promise<TaskDataset> {
  const key = `${role}:${path}`;
  let entry = opened.get(key);
  if (!entry) {
    entry = (async () => {
      const dataset = await openDataset(path);
      const representation = await computeRepresentation(
        dataset,
        { task: 'boundary', datasets: [{ role, path }], model: MODEL },
        silentContext,
        undefined,
      );
      return { role, dataset, representation };
    })();
    opened.set(key, entry);
  }
  return entry;
}

export function boundaryParams(
  scorer: string,
  options: { k?: number; reference?: boolean } = {},
): ResolvedScanParams {
  const datasets: DatasetSpec[] = [{ role: 'data', path: NPY_IMAGES }];
  if (options.reference) datasets.push({ role: 'reference', path: IDX });
  return resolveParams(
    { task: 'boundary', datasets, model: MODEL, scorer, k: options.k, noCache: true },
    boundaryTask,
    FMNIST,
  );
}

/** A TaskDataset of some rows of another (same dataset, fewer kept rows). */
export function someRows(source: TaskDataset, rows: number[]): TaskDataset {
  const pick = (m: { dim: number; data: Float32Array }) => ({
    rows: rows.length,
    dim: m.dim,
    data: Float32Array.from(rows.flatMap((r) => Array.from(m.data.subarray(r * m.dim, (r + 1) * m.dim)))),
  });
  const r = source.representation;
  return {
    ...source,
    representation: {
      ...r,
      points: pick(r.points),
      logits: r.logits && pick(r.logits),
      keptIndices: Int32Array.from(rows, (row) => r.keptIndices[row]),
    },
  };
}
