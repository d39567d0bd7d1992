/** Images stored one per file (image folder, manifest), decoded on demand (imageDecode.ts). */
import { decodeImageFile, readStoredSize } from './imageDecode';
import type { ImageFit } from './imageFit';
import type { ImageSource, RawImage, StoredImageSize } from './types';

export { decodeImageFile } from './imageDecode';

/** The lazy ImageSource over a list of image files, one per sample, in dataset order. */
export class FileImageSource implements ImageSource {
  readonly count: number;

  constructor(private readonly files: readonly string[]) {
    this.count = files.length;
  }

  read(index: number, channels?: number, fit?: ImageFit): Promise<RawImage> {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      return Promise.reject(new RangeError(`image index ${index} is outside 0…${this.count - 1}`));
    }
    return decodeImageFile(this.files[index], channels, fit);
  }

  storedSize(index: number): Promise<StoredImageSize> {
    return readStoredSize(this.files[index]);
  }
}
