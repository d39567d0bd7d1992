/** An IDX images file with its labels file beside it (MNIST layout). */
import { basename, dirname, join } from 'node:path';
import { InputError } from '../core/errors';
import { ArrayImageSource } from './arrayImages';
import { fileExists, listFolder } from './files';
import { readIdxImages, readIdxLabels } from './idx';
import type { Dataset, Sample } from './types';

/** `*-images*.idx*` or `*-images-idx3-ubyte[.gz]`, e.g. `t10k-images-idx3-ubyte.gz`. */
export function isIdxImagesName(name: string): boolean {
  const lower = name.toLowerCase();
  if (!lower.includes('images')) return false;
  return /\.idx\d?(\.gz)?$/.test(lower) || /idx3-ubyte(\.gz)?$/.test(lower);
}

/** The labels file's name: `images` → `labels`, `idx3` → `idx1`. */
export function idxLabelsNameFor(imagesName: string): string {
  const swap: Record<string, string> = {
    images: 'labels',
    Images: 'Labels',
    IMAGES: 'LABELS',
    idx3: 'idx1',
    IDX3: 'IDX1',
  };
  return imagesName
    .replace(/images/i, (word) => swap[word] ?? 'labels')
    .replace(/idx3/i, (word) => swap[word] ?? 'idx1');
}

/**
 * The labels file beside an images file, or undefined. The compressed and the
 * raw copy are interchangeable, so `x.gz` also finds `x` and the other way round.
 */
export async function findIdxLabelsFile(imagesFile: string): Promise<string | undefined> {
  const name = idxLabelsNameFor(basename(imagesFile));
  const unzipped = name.replace(/\.gz$/i, '');
  for (const candidate of [name, unzipped, `${unzipped}.gz`]) {
    const path = join(dirname(imagesFile), candidate);
    if (await fileExists(path)) return path;
  }
  return undefined;
}

/**
 * The one IDX images file of a folder, or undefined when it holds none. A raw and
 * a gzipped copy of the same file count as one (the raw one is read: faster).
 */
export async function findIdxImagesInFolder(folder: string): Promise<string | undefined> {
  const names = (await listFolder(folder))
    .filter((entry) => entry.isFile && isIdxImagesName(entry.name))
    .map((entry) => entry.name);
  if (names.length === 0) return undefined;
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = name.replace(/\.gz$/i, '');
    groups.set(key, [...(groups.get(key) ?? []), name]);
  }
  if (groups.size > 1) {
    throw new InputError(
      folder,
      `holds ${groups.size} IDX image files (${[...groups.keys()].join(', ')}): give the one to scan`,
    );
  }
  const [[raw, copies]] = groups;
  return join(folder, copies.includes(raw) ? raw : copies[0]);
}

/** `withLabels`: look for the labels file (false when the user gave --labels). */
export async function openIdxDataset(imagesFile: string, withLabels: boolean): Promise<Dataset> {
  const { count, height, width, pixels } = await readIdxImages(imagesFile);
  let labels: (string | undefined)[] = new Array(count).fill(undefined);
  if (withLabels) {
    const labelsFile = await findIdxLabelsFile(imagesFile);
    if (labelsFile) {
      labels = await readIdxLabels(labelsFile);
      if (labels.length !== count) {
        throw new InputError(
          labelsFile,
          `holds ${labels.length} labels but ${imagesFile} holds ${count} images`,
        );
      }
    }
  }
  const samples: Sample[] = Array.from({ length: count }, (_, index) => ({ id: `#${index}` }));
  return {
    kind: 'idx',
    source: imagesFile,
    samples,
    labels,
    images: new ArrayImageSource(pixels, count, height, width, 1),
    skipped: [],
  };
}
