/**
 * One image file → 8-bit grey or RGB pixels at the size asked for, without
 * letting a file take the process's memory: the header is read first, an
 * image above the pixel limit is refused by name before any pixel is decoded,
 * a large image is shrunk by sharp while it loads (JPEG and WebP decode at a
 * fraction of their size, PNG streams in strips), and the pixels kept are
 * those of the requested size only.
 *
 * Pixels are read as Pillow reads them, since that is what a model trained
 * with torchvision saw: no colour management, no EXIF rotation, the first
 * frame; conversions in imagePixels.ts, resizing in imageResample.ts.
 */
import { stat } from 'node:fs/promises';
import sharp from 'sharp';
import { InputError } from '../core/errors';
import { describeFsError } from './files';
import { inDecodeSlot, inLargeImageSlot } from './imageDecodeSlots';
import { fitGeometry, type ImageFit } from './imageFit';
import { cmykToRgb, flattenOverWhite, highBytes, toRequest } from './imagePixels';
import {
  EXACT_RESIZE_MAX_PIXELS,
  formatMegapixels,
  MAX_IMAGE_PIXELS,
  MAX_WHOLE_IMAGE_PIXELS,
} from './limits';
import type { ImageConversion, RawImage, StoredImageSize } from './types';

/** What the header says, before any pixel is decoded. */
interface ImageHeader {
  format: string;
  width: number;
  height: number;
  grey: boolean;
  alpha: boolean;
  cmyk: boolean;
  sixteenBit: boolean;
  /** Decoded in strips or shrunk while loading, so never held whole. */
  streamed: boolean;
}

/**
 * Decodes one image file to HWC uint8 pixels. Without `channels`, greyscale
 * files give 1 channel and everything else 3; with it, the image is converted.
 * With `fit`, the image is brought to that size. Any failure (missing file,
 * broken data, an image above the pixel limit) is an InputError naming the
 * file, so one bad image never stops a whole scan.
 */
export async function decodeImageFile(file: string, channels?: number, fit?: ImageFit): Promise<RawImage> {
  if (channels !== undefined && channels !== 1 && channels !== 3) {
    throw new RangeError(`channels must be 1 or 3, got ${channels}`);
  }
  return inDecodeSlot(async () => {
    await assertReadable(file);
    const header = await readHeader(file);
    const limit = pixelLimit(file, header);
    return inLargeImageSlot(header.width * header.height, () => decode(file, header, limit, channels, fit));
  });
}

/** The stored size and natural channels (1 for greyscale, else 3) of an image file, from its header. */
export function readStoredSize(file: string): Promise<StoredImageSize> {
  return inDecodeSlot(async () => {
    await assertReadable(file);
    const header = await readHeader(file);
    return { width: header.width, height: header.height, channels: header.grey ? 1 : 3 };
  });
}

async function assertReadable(file: string): Promise<void> {
  try {
    await stat(file);
  } catch (error) {
    const problem = describeFsError(error);
    throw new InputError(file, problem === 'does not exist' ? 'file not found' : problem);
  }
}

function cannotDecode(file: string, error: unknown): InputError {
  return new InputError(
    file,
    `cannot be decoded as an image: ${error instanceof Error ? error.message : String(error)}`,
  );
}

async function readHeader(file: string): Promise<ImageHeader> {
  let meta: sharp.Metadata;
  try {
    meta = await sharp(file, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw cannotDecode(file, error);
  }
  const { format, width, space, depth, isProgressive } = meta;
  // A multi-page file (GIF, TIFF) is read as its first page, as Pillow does.
  const height = meta.pageHeight ?? meta.height;
  if (!width || !height) throw cannotDecode(file, new Error('its header gives no size'));
  return {
    format,
    width,
    height,
    grey: space === 'b-w' || space === 'grey16',
    alpha: meta.hasAlpha,
    cmyk: space === 'cmyk',
    sixteenBit: depth === 'ushort',
    streamed: format === 'webp' || ((format === 'png' || format === 'jpeg') && !isProgressive),
  };
}

/** The pixel limit that applies to this file; throws, naming the file and its size, above it. */
function pixelLimit(file: string, header: ImageHeader): number {
  const limit = header.streamed ? MAX_IMAGE_PIXELS : MAX_WHOLE_IMAGE_PIXELS;
  const pixels = header.width * header.height;
  if (pixels > limit) {
    const whole = header.streamed ? '' : ` for a ${describeWhole(header)}, which must be decoded whole`;
    throw new InputError(
      file,
      `is ${header.width}×${header.height} pixels (${formatMegapixels(pixels)}), more than the ` +
        `${formatMegapixels(limit)} an image may have${whole}; it is not decoded (a guard against ` +
        `decompression bombs): shrink it or leave it out`,
    );
  }
  return limit;
}

function describeWhole(header: ImageHeader): string {
  if (header.format === 'png') return 'interlaced PNG';
  if (header.format === 'jpeg') return 'progressive JPEG';
  return `${header.format.toUpperCase()} image`;
}

async function decode(
  file: string,
  header: ImageHeader,
  limit: number,
  channels: number | undefined,
  fit: ImageFit | undefined,
): Promise<RawImage> {
  const pixels = header.width * header.height;
  const sameSize = fit === undefined || (header.width === fit.width && header.height === fit.height);
  // Small images are resized in imageResample.ts, byte for byte as Pillow does;
  // large ones by sharp while they load (within a few levels of Pillow, see README).
  const shrinkWhileLoading = !sameSize && pixels > EXACT_RESIZE_MAX_PIXELS;
  const conversions: ImageConversion[] = [];
  let samples: Uint8Array;
  let info: sharp.OutputInfo;
  try {
    let pipeline = sharp(file, { limitInputPixels: limit, ignoreIcc: true });
    // CMYK stays CMYK through the pipeline: Pillow's conversion is applied below.
    if (header.cmyk) pipeline = pipeline.pipelineColourspace('cmyk').removeAlpha();
    if (shrinkWhileLoading) {
      const geometry = fitGeometry(header.width, header.height, fit!);
      pipeline = pipeline
        .resize(geometry.resizeWidth, geometry.resizeHeight, { fit: 'fill', kernel: 'linear' })
        .extract({ left: geometry.left, top: geometry.top, width: fit!.width, height: fit!.height });
    }
    const { data, info: out } = await pipeline
      .toColourspace(outputSpace(header))
      .raw({ depth: header.sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const expected = header.cmyk ? 4 : header.grey && !header.alpha ? 1 : header.alpha ? 4 : 3;
    if (out.channels !== expected)
      throw new Error(`decoded to ${out.channels} channels instead of ${expected}`);
    info = out;
    samples = header.sixteenBit
      ? highBytes(uint16View(data))
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw cannotDecode(file, error);
  }
  if (header.sixteenBit) conversions.push('16-bit');
  let bands = info.channels;
  if (header.cmyk) {
    samples = cmykToRgb(samples);
    bands = 3;
    conversions.push('cmyk');
    if (header.alpha) conversions.push('alpha');
  } else if (header.alpha) {
    samples = flattenOverWhite(samples, bands);
    bands = 3;
    conversions.push('alpha');
    // Grey with alpha came out as RGB (libvips' greyscale output drops alpha): keep one channel.
    if (header.grey) {
      samples = everyThird(samples);
      bands = 1;
    }
  }
  const decoded = { width: info.width, height: info.height, channels: bands, pixels: samples };
  return toRequest(decoded, channels, shrinkWhileLoading ? undefined : fit, {
    resized: shrinkWhileLoading,
    conversions,
  });
}

/** The colourspace sharp hands the pixels over in: as stored, CMYK included, 16 bits kept. */
function outputSpace(header: ImageHeader): string {
  if (header.cmyk) return 'cmyk';
  if (header.grey && !header.alpha) return header.sixteenBit ? 'grey16' : 'b-w';
  return header.sixteenBit ? 'rgb16' : 'srgb';
}

function uint16View(data: Buffer): Uint16Array {
  // A typed view needs an even offset; sharp's output buffers normally start at 0.
  const bytes = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
  return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

function everyThird(rgb: Uint8Array): Uint8Array {
  const grey = new Uint8Array(rgb.length / 3);
  for (let p = 0; p < grey.length; p++) grey[p] = rgb[3 * p];
  return grey;
}
