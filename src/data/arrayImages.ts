/** Images held in one in-memory uint8 array (IDX, NPY): reading a sample is a slice. */
import type { ImageFit } from './imageFit';
import { toRequest } from './imagePixels';
import type { ImageSource, RawImage, StoredImageSize } from './types';

/** Where the channel axis sits in each image of the array. */
export type ChannelLayout = 'hwc' | 'chw';

export class ArrayImageSource implements ImageSource {
  readonly shape: { height: number; width: number; channels: number };
  readonly storedPixels?: (index: number) => Uint8Array;
  private readonly imageSize: number;

  constructor(
    /** `count × height × width × channels` (hwc) or `count × channels × height × width` (chw). */
    private readonly pixels: Uint8Array,
    readonly count: number,
    height: number,
    width: number,
    channels: number,
    private readonly layout: ChannelLayout = 'hwc',
  ) {
    this.shape = { height, width, channels };
    this.imageSize = height * width * channels;
    // Only HWC pixels can be lent as they are (one channel is both layouts).
    if (layout === 'hwc' || channels === 1) this.storedPixels = (index) => this.view(index);
    if (pixels.length !== count * this.imageSize) {
      throw new RangeError(
        `pixel array holds ${pixels.length} bytes, expected ${count}×${height}×${width}×${channels}`,
      );
    }
  }

  async read(index: number, channels?: number, fit?: ImageFit): Promise<RawImage> {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`image index ${index} is outside 0…${this.count - 1}`);
    }
    if (channels !== undefined && channels !== 1 && channels !== 3) {
      throw new RangeError(`channels must be 1 or 3, got ${channels}`);
    }
    const { height, width, channels: own } = this.shape;
    const start = index * this.imageSize;
    // A copy, so that a caller who edits the pixels cannot change the dataset.
    const slice = this.pixels.slice(start, start + this.imageSize);
    const hwc = this.layout === 'hwc' || own === 1 ? slice : chwToHwc(slice, height, width, own);
    // The same conversions and resize as image files get, so both forms of a dataset agree.
    return toRequest({ width, height, channels: own, pixels: hwc }, channels, fit);
  }

  private view(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new RangeError(`image index ${index} is outside 0…${this.count - 1}`);
    }
    return this.pixels.subarray(index * this.imageSize, (index + 1) * this.imageSize);
  }

  storedSize(): Promise<StoredImageSize> {
    return Promise.resolve(this.shape);
  }
}

function chwToHwc(chw: Uint8Array, height: number, width: number, channels: number): Uint8Array {
  const plane = height * width;
  const hwc = new Uint8Array(chw.length);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) hwc[p * channels + c] = chw[c * plane + p];
  }
  return hwc;
}
