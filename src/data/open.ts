/** One entry point for every dataset form; the form is told from the path (DESIGN.md "Dataset forms"). */
import { open as openFile } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { InputError } from '../core/errors';
import { isImageFileName, statOrThrow, TABLE_EXTENSIONS } from './files';
import { IDX_IMAGES_MAGIC } from './idx';
import { findIdxImagesInFolder, isIdxImagesName, openIdxDataset } from './idxDataset';
import { IMAGE_FOLDER_LAYOUT, openImageFolder } from './imageFolder';
import { readLabelsFile } from './labelsFile';
import { manifestPathColumn, openManifest } from './manifest';
import { openNpyDataset } from './npyDataset';
import { readTable } from './table';
import { openTabular } from './tabular';
import { openTextDataset, textColumnOf } from './textDataset';
import type { Dataset, FeaturizeOptions, OpenDatasetOptions } from './types';

const FORMS =
  `expected a folder of ${IMAGE_FOLDER_LAYOUT.replace('expected ', '')}, a .csv/.tsv/.jsonl manifest or table, ` +
  'an IDX images file (*-images-idx3-ubyte[.gz]) or a .npy array';

/**
 * Opens the dataset at `path`. Images are listed, not decoded (read them
 * through `dataset.images`); a text table is featurized here (`featurize`
 * chooses the PCA backend and receives progress). With `options.labelsPath`
 * those labels replace the dataset's own.
 */
export async function openDataset(
  path: string,
  options: OpenDatasetOptions = {},
  featurize: FeaturizeOptions = {},
): Promise<Dataset> {
  const source = resolve(path);
  const info = await statOrThrow(source);
  const withLabels = !options.labelsPath;
  let dataset: Dataset;
  if (info.isDirectory()) {
    const idxImages = await findIdxImagesInFolder(source);
    dataset = idxImages
      ? { ...(await openIdxDataset(idxImages, withLabels)), source }
      : await openImageFolder(source);
  } else {
    dataset = await openDatasetFile(source, options, featurize, withLabels);
  }
  if (options.labelsPath) {
    dataset.labels = await overrideLabels(dataset, options.labelsPath);
    // The table's label column (if any) no longer holds the labels in use: editing it would change nothing.
    if (dataset.table) dataset.table = { file: dataset.table.file };
  }
  return dataset;
}

async function openDatasetFile(
  file: string,
  options: OpenDatasetOptions,
  featurize: FeaturizeOptions,
  withLabels: boolean,
): Promise<Dataset> {
  const name = basename(file);
  const extension = extname(name).toLowerCase();
  if (TABLE_EXTENSIONS.has(extension)) return openTableDataset(file, options, featurize);
  if (extension === '.npy') return openNpyDataset(file, withLabels);
  if (isIdxImagesName(name) || (await startsWithIdxImagesMagic(file)))
    return openIdxDataset(file, withLabels);
  if (/labels/i.test(name) && /(idx\d?|ubyte)(\.gz)?$/i.test(name)) {
    throw new InputError(
      file,
      'is an IDX labels file: give the images file beside it as the data, or this file with --labels',
    );
  }
  if (extension === '.npz') {
    throw new InputError(
      file,
      'is an .npz archive, which is not supported: save the arrays with np.save as .npy files (images or features, and labels.npy)',
    );
  }
  if (extension === '.onnx') {
    throw new InputError(
      file,
      'is an ONNX model, not a dataset: give it with --model and the data with --data',
    );
  }
  if (isImageFileName(name)) {
    throw new InputError(file, `is a single image, not a dataset: ${FORMS}`);
  }
  throw new InputError(file, `has an unknown dataset type (${extension || 'no extension'}): ${FORMS}`);
}

/** Manifest, text or numeric table: explicit column options first, then the columns' names and values. */
async function openTableDataset(
  file: string,
  options: OpenDatasetOptions,
  featurize: FeaturizeOptions,
): Promise<Dataset> {
  const table = await readTable(file);
  if (options.pathColumn) return openManifest(table, manifestPathColumn(table, options), options);
  if (options.textColumn) return openTextDataset(table, textColumnOf(table, options), options, featurize);
  const pathColumn = manifestPathColumn(table, options);
  if (pathColumn >= 0) return openManifest(table, pathColumn, options);
  const textColumn = textColumnOf(table, options);
  if (textColumn >= 0) return openTextDataset(table, textColumn, options, featurize);
  return openTabular(table, options);
}

async function startsWithIdxImagesMagic(file: string): Promise<boolean> {
  const handle = await openFile(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return bytesRead === 4 && head.readUInt32BE(0) === IDX_IMAGES_MAGIC;
  } finally {
    await handle.close();
  }
}

async function overrideLabels(dataset: Dataset, labelsPath: string): Promise<(string | undefined)[]> {
  const labels = await readLabelsFile(labelsPath);
  if (labels.length !== dataset.samples.length) {
    throw new InputError(
      labelsPath,
      `holds ${labels.length} labels but ${dataset.source} has ${dataset.samples.length} samples`,
    );
  }
  return labels;
}
