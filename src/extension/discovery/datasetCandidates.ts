/**
 * Which files and folders of a workspace look like a dataset MARGIN can scan,
 * from a file listing alone (plus the cheap content checks of fileSniff.ts).
 * Pure: paths in, candidates out, so the ranking is testable without VS Code.
 */
import { basename, dirname, extname } from 'node:path';

export type DatasetCandidateKind = 'image-folder' | 'idx' | 'manifest' | 'npy';

export interface DatasetCandidate {
  /** Absolute path to hand to the engine (a folder for image folders). */
  path: string;
  kind: DatasetCandidateKind;
  /** Short human description, e.g. "image folder · 10 classes · 6,000 images". */
  description: string;
  /** Bigger = more likely the dataset the user means (images or bytes). */
  weight: number;
}

const KIND_ORDER: Record<DatasetCandidateKind, number> = { 'image-folder': 0, idx: 1, manifest: 2, npy: 3 };

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/**
 * Image folders are `<root>/<label>/<image>`: every root whose images sit in at
 * least two label sub-folders is a candidate. `truncated` says the listing was
 * cut at a limit, so counts are lower bounds.
 */
export function imageFolderCandidates(imagePaths: readonly string[], truncated = false): DatasetCandidate[] {
  const roots = new Map<string, Map<string, number>>();
  for (const path of imagePaths) {
    if (!IMAGE_EXTENSIONS.includes(extname(path).toLowerCase())) continue;
    const labelDir = dirname(path);
    const root = dirname(labelDir);
    if (root === labelDir) continue; // an image at the file-system root has no label folder
    const labels = roots.get(root) ?? new Map<string, number>();
    labels.set(labelDir, (labels.get(labelDir) ?? 0) + 1);
    roots.set(root, labels);
  }
  const candidates: DatasetCandidate[] = [];
  for (const [root, labels] of roots) {
    if (labels.size < 2) continue;
    let images = 0;
    for (const count of labels.values()) images += count;
    const atLeast = truncated ? '≥ ' : '';
    candidates.push({
      path: root,
      kind: 'image-folder',
      description: `image folder · ${atLeast}${labels.size} classes · ${atLeast}${formatCount(images)} images`,
      weight: images,
    });
  }
  return candidates;
}

/** Files that passed their content check, with their size in bytes. */
export interface SniffedFile {
  path: string;
  size: number;
}

export function fileCandidates(
  kind: Exclude<DatasetCandidateKind, 'image-folder'>,
  files: readonly SniffedFile[],
): DatasetCandidate[] {
  return files
    .filter((file) => !(kind === 'npy' && looksLikeLabelsFile(file.path)))
    .map((file) => ({
      path: file.path,
      kind,
      description: `${describeFileKind(kind, file.path)} · ${formatBytes(file.size)}`,
      weight: file.size,
    }));
}

/**
 * `y.npy`, `labels.npy`, `train-labels.npy` hold labels, not samples: they go
 * with a dataset (the engine's `labels` option), they are not one.
 */
export function looksLikeLabelsFile(path: string): boolean {
  const name = basename(path, extname(path)).toLowerCase();
  return /(^|[-_.])labels?($|[-_.])/.test(name) || /^y($|[-_.])/.test(name) || /([-_.])y$/.test(name);
}

/** Image folders first (the most common form), then IDX, manifests, arrays; bigger first within a kind. */
export function rankDatasetCandidates(candidates: readonly DatasetCandidate[]): DatasetCandidate[] {
  return [...candidates].sort(
    (a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.weight - a.weight || a.path.localeCompare(b.path),
  );
}

/** ONNX models, shallowest first (a model at the top of the workspace is the likely one). */
export function rankModelCandidates(paths: readonly string[]): string[] {
  const ignored = /(^|[\\/])(node_modules|\.margin|\.git)([\\/]|$)/;
  const depth = (path: string) => path.split(/[\\/]/).length;
  return paths
    .filter((path) => extname(path).toLowerCase() === '.onnx' && !ignored.test(path))
    .sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
}

function describeFileKind(kind: Exclude<DatasetCandidateKind, 'image-folder'>, path: string): string {
  switch (kind) {
    case 'idx':
      return 'IDX images';
    case 'npy':
      return 'NumPy array';
    case 'manifest':
      return extname(path).toLowerCase() === '.jsonl'
        ? 'JSONL table'
        : `${extname(path).slice(1).toUpperCase()} table`;
  }
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
