/**
 * What the saliency panel needs to know of its image and model before the
 * engine answers: the image as a data: URL the webview can draw and read back
 * (a file URL from another origin would taint the canvas), the class names
 * and input layout from the model's sidecar, and file stamps for the cache.
 * No `vscode` import.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { SaliencySubject } from '../../protocol/saliencyPanel';
import type { FileStamp } from './explainCache';

/** Image files a browser decodes, by extension, with their MIME type. */
const BROWSER_IMAGES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
};

/** Image extensions the explain command takes (the menus' `when` clauses list the same). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.gif', '.webp', '.bmp', '.tif', '.tiff'];

/** Larger images are explained but not drawn under the map (the map is drawn on grey). */
const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export function isImagePath(path: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(path).toLowerCase());
}

/** The image as a data: URL, or undefined when a browser cannot show it (or it is too large, or unreadable). */
export async function imageDataUrl(path: string): Promise<string | undefined> {
  const type = BROWSER_IMAGES[extname(path).toLowerCase()];
  if (!type) return undefined;
  try {
    const { size } = await stat(path);
    if (size === 0 || size > MAX_IMAGE_BYTES) return undefined;
    return `data:${type};base64,${(await readFile(path)).toString('base64')}`;
  } catch {
    return undefined;
  }
}

/** The sidecar next to a model: model.onnx → model.margin.json (model/sidecar.ts). */
export function sidecarOf(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.margin.json';
}

/** Class names and the input layout from the sidecar; nothing when it is absent or unreadable (the engine reports that). */
export async function readSidecarHints(modelPath: string): Promise<{ labels: string[]; layout?: string }> {
  try {
    const json = JSON.parse(await readFile(sidecarOf(modelPath), 'utf8')) as {
      labels?: unknown;
      input?: { layout?: unknown };
    };
    const labels =
      Array.isArray(json.labels) && json.labels.every((label) => typeof label === 'string')
        ? json.labels
        : [];
    const layout = typeof json.input?.layout === 'string' ? json.input.layout : undefined;
    return { labels, ...(layout ? { layout } : {}) };
  } catch {
    return { labels: [] };
  }
}

export async function subjectOf(
  input: string,
  model: string,
): Promise<{ subject: SaliencySubject; layout?: string }> {
  const [imageUrl, hints] = await Promise.all([imageDataUrl(input), readSidecarHints(model)]);
  return {
    subject: {
      input,
      inputName: basename(input),
      ...(imageUrl ? { imageUrl } : {}),
      model,
      modelName: basename(model),
      labels: hints.labels,
    },
    ...(hints.layout ? { layout: hints.layout } : {}),
  };
}

/** The file's stamp for the cache; an unreadable file is an error that names it. */
export async function stampFile(path: string): Promise<FileStamp> {
  try {
    const stats = await stat(path);
    return { path, size: stats.size, mtimeMs: stats.mtimeMs };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw Object.assign(new Error(`${path}: cannot be read (${reason})`), { path });
  }
}
