/**
 * An image file as `explain` reads it: decoded and brought to the model's
 * input as a scan would (imageDecode.ts), with what that took said in
 * notices, and the inputs no map can be made of refused by name.
 *
 * - A side of 1 pixel: resizing it to the model's input gives flat rows or
 *   columns, so the map would describe the resize, not the image: refused.
 * - Larger than the model's input: resized (large images shrink while they
 *   load, never held at full size); above the decoder's pixel limit
 *   (limits.ts), refused by imageDecode.ts.
 * - Alpha, palette, CMYK, 16-bit, grey for an RGB model or RGB for a grey
 *   one: converted as Pillow converts (what a torchvision model saw), and said.
 */
import { basename } from 'node:path';
import sharp from 'sharp';
import { InputError } from '../core/errors';
import { decodeImageFile, readStoredSize } from '../data/imageDecode';
import { EXACT_RESIZE_MAX_PIXELS, formatMegapixels } from '../data/limits';
import type { ImageConversion, RawImage } from '../data/types';
import { imageFitOf } from '../model/preprocess';
import type { InputConfig } from '../model/sidecar';

export interface ExplainImage {
  image: RawImage;
  /** One sentence per change made on the way to the model, each naming the file. */
  notices: string[];
}

export async function readExplainImage(file: string, input: InputConfig, modelName: string): Promise<ExplainImage> {
  // The header first: it names a missing or broken file, and a 1-pixel side needs no decoding to refuse.
  const stored = await readStoredSize(file);
  const size = `${stored.width}×${stored.height}`;
  const wanted = `${input.width}×${input.height}`;
  if (stored.width < 2 || stored.height < 2) {
    throw new InputError(
      file,
      `is ${size} pixel${stored.width * stored.height === 1 ? '' : 's'}: a side of one pixel has no shape to explain ` +
        `(${modelName} takes ${wanted} images, and resizing would only repeat that pixel); give the full image`,
    );
  }
  const palette = await isPalette(file);
  const image = await decodeImageFile(file, input.channels, imageFitOf(input));
  const name = basename(file);
  const notices: string[] = [];
  if (palette) notices.push(`${name} is a palette (indexed-colour) image: its colours were expanded to RGB`);
  for (const conversion of image.adjusted?.conversions ?? [])
    notices.push(`${name} ${conversionNotice(conversion, modelName)}`);
  if (image.adjusted?.resized) {
    const pixels = stored.width * stored.height;
    const how = input.resize === 'stretch' ? 'stretched' : 'shorter side resized, centre cropped';
    notices.push(
      pixels > EXACT_RESIZE_MAX_PIXELS
        ? `${name} is ${size} pixels (${formatMegapixels(pixels)}): shrunk to ${wanted} while loading ` +
            `(${how}), never held at full size; the map is of the shrunk image`
        : `${name} is ${size} pixels: resized to ${wanted} (${how}), the input ${modelName} takes; the map is of the resized image`,
    );
  }
  return { image, notices };
}

async function isPalette(file: string): Promise<boolean> {
  try {
    return (await sharp(file, { limitInputPixels: false }).metadata()).isPalette === true;
  } catch {
    // readStoredSize read this header already; a failure here is reported by the decoder.
    return false;
  }
}

function conversionNotice(conversion: ImageConversion, modelName: string): string {
  switch (conversion) {
    case 'alpha':
      return 'has an alpha channel: composited over white (as Pillow\'s convert("RGB") does), so transparent areas are explained as white';
    case 'cmyk':
      return 'is CMYK: converted to RGB by Pillow\'s formula (no colour management)';
    case '16-bit':
      return 'has 16-bit samples: reduced to 8 bits (the high byte), as Pillow reads them';
    case 'grey-to-rgb':
      return `is greyscale, but ${modelName} takes RGB: the grey was copied to R, G and B`;
    case 'rgb-to-grey':
      return `is colour, but ${modelName} takes greyscale: converted to grey (ITU-R 601 luma, as Pillow does)`;
  }
}
