/** `root/<label>/<image>`: the label of an image is the name of its folder. */
import { extname, join } from 'node:path';
import { InputError } from '../core/errors';
import { FileImageSource } from './fileImages';
import { isImageFileName, listFolder, TABLE_EXTENSIONS } from './files';
import type { Dataset, Sample } from './types';

/** Files that are datasets themselves, named in the hint when a folder holds no images. */
const DATA_FILE_EXTENSIONS: ReadonlySet<string> = new Set([...TABLE_EXTENSIONS, '.npy']);

export const IMAGE_FOLDER_LAYOUT = 'expected <label>/<image> sub-folders';

/**
 * Lists the images (not decoding them) in a deterministic order: label folder,
 * then file name, both in byte order. Hidden entries and non-image files are
 * ignored; folders nested below a label folder are not searched.
 */
export async function openImageFolder(root: string): Promise<Dataset> {
  const entries = await listFolder(root);
  const strayImages = entries.filter((entry) => entry.isFile && isImageFileName(entry.name));
  if (strayImages.length > 0) {
    throw new InputError(
      root,
      `holds images directly (${strayImages[0].name}${strayImages.length > 1 ? ` and ${strayImages.length - 1} more` : ''}): ` +
        `put each image in a sub-folder named after its label, as <label>/<image>`,
    );
  }
  const samples: Sample[] = [];
  const labels: string[] = [];
  const files: string[] = [];
  for (const folder of entries.filter((entry) => entry.isDirectory)) {
    const inside = await listFolder(join(root, folder.name));
    for (const entry of inside) {
      if (!entry.isFile || !isImageFileName(entry.name)) continue;
      const path = join(root, folder.name, entry.name);
      samples.push({ id: `${folder.name}/${entry.name}`, path });
      labels.push(folder.name);
      files.push(path);
    }
  }
  if (samples.length === 0) {
    const dataFiles = entries
      .filter((entry) => entry.isFile && DATA_FILE_EXTENSIONS.has(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name);
    const shown =
      dataFiles.slice(0, 3).join(', ') + (dataFiles.length > 3 ? ` and ${dataFiles.length - 3} more` : '');
    const hint =
      dataFiles.length > 0 ? ` (it holds ${shown}: to scan one of those, give the file instead)` : '';
    throw new InputError(root, `holds no images: ${IMAGE_FOLDER_LAYOUT}${hint}`);
  }
  return {
    kind: 'image-folder',
    source: root,
    samples,
    labels,
    images: new FileImageSource(files),
    skipped: [],
  };
}
