/** Images stored one per file (image folder, manifest), decoded on demand with sharp. */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { InputError } from '../core/errors';
import { describeFsError } from './files';
import type { ImageSource, RawImage } from './types';

/**
 * Decodes one image file to raw HWC uint8 pixels. Alpha is always dropped
 * (models take 1 or 3 channels). Without `channels`, greyscale files give
 * 1 channel and everything else 3; with it, the image is converted.
 * Any failure (missing file, broken data, unsupported format) is an InputError
 * naming the file, so one bad image never stops a whole scan.
 */
export async function decodeImageFile(file: string, channels?: number): Promise<RawImage> {
  if (channels !== undefined && channels !== 1 && channels !== 3) {
    throw new RangeError(`channels must be 1 or 3, got ${channels}`);
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const problem = describeFsError(error);
    throw new InputError(file, problem === 'does not exist' ? 'file not found' : problem);
  }
  try {
    const wanted = channels ?? (await naturalChannels(bytes));
    const { data, info } = await sharp(bytes)
      .removeAlpha()
      .toColourspace(wanted === 1 ? 'b-w' : 'srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== wanted) {
      throw new Error(`decoded to ${info.channels} channels instead of ${wanted}`);
    }
    return {
      width: info.width,
      height: info.height,
      channels: info.channels,
      pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (error) {
    throw new InputError(file, `cannot be decoded as an image: ${(error as Error).message}`);
  }
}

/** 1 for greyscale files (with or without alpha), else 3; reads the header only. */
async function naturalChannels(bytes: Buffer): Promise<number> {
  const { space, channels } = await sharp(bytes).metadata();
  const grey = space === 'b-w' || space === 'grey16' || (space === undefined && (channels ?? 3) <= 2);
  return grey ? 1 : 3;
}

/** The lazy ImageSource over a list of image files, one per sample, in dataset order. */
export class FileImageSource implements ImageSource {
  readonly count: number;

  constructor(private readonly files: readonly string[]) {
    this.count = files.length;
  }

  read(index: number, channels?: number): Promise<RawImage> {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      return Promise.reject(new RangeError(`image index ${index} is outside 0…${this.count - 1}`));
    }
    return decodeImageFile(this.files[index], channels);
  }
}
