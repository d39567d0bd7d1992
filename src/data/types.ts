/** What every dataset loader returns. Samples are kept in dataset order. */
import type { ComputeOptions, DenseMatrix, GramProduct } from '../core/types';
import type { ImageFit } from './imageFit';

export type DatasetKind = 'image-folder' | 'manifest' | 'idx' | 'npy' | 'tabular' | 'text';

export interface Sample {
  /** Stable id: relative path for files, `#<index>` for rows of an array file. */
  id: string;
  /** Absolute path of the sample's file, when it has one (image folder, manifest). */
  path?: string;
  /** The sample's text, for text datasets (what a reviewer reads instead of an image). */
  text?: string;
  /** Table datasets (CSV, TSV, JSONL): 1-based line of the file where the sample's row starts. */
  line?: number;
}

/** Raw pixels of one image, channel-last (HWC), uint8. */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
  /** What was done to bring the stored image to what the reader asked for; absent when nothing was. */
  adjusted?: ImageAdjustments;
}

/** A change of mode on the way to the model: channels, alpha, CMYK, bit depth. */
export type ImageConversion = 'grey-to-rgb' | 'rgb-to-grey' | 'alpha' | 'cmyk' | '16-bit';

export interface ImageAdjustments {
  /** The stored image had another size and was resized (and cropped) to the fit asked for. */
  resized: boolean;
  conversions: ImageConversion[];
}

/** Images decoded on demand, so that 60k files never sit in memory as objects. */
export interface ImageSource {
  readonly count: number;
  /** Natural size of the images when every image shares it (IDX, NPY), else undefined. */
  readonly shape?: { height: number; width: number; channels: number };
  /**
   * Decodes sample `index`. With `channels` given, converts to that many channels
   * (1 = greyscale, 3 = RGB); with `fit`, brings the image to that size (see
   * imageFit.ts); `adjusted` on the result says what was changed. Throws
   * InputError naming the file when the image cannot be decoded or is too large.
   */
  read(index: number, channels?: number, fit?: ImageFit): Promise<RawImage>;
  /**
   * The stored size of image `index` and its natural channels (1 = greyscale,
   * else 3), from its header only. Optional: without it, callers decode the image.
   */
  storedSize?(index: number): Promise<StoredImageSize>;
  /**
   * Image `index` as stored (HWC uint8, of `shape`), as a view of pixels held
   * in memory, not a copy: for callers that only read it. Optional: sources
   * that decode files, or hold another layout, leave it out.
   */
  storedPixels?(index: number): Uint8Array;
}

export interface StoredImageSize {
  width: number;
  height: number;
  channels: number;
}

/** A dense row-major float matrix: `rows × dim`. */
export type FeatureMatrix = DenseMatrix;

export interface Dataset {
  kind: DatasetKind;
  /** The path the user gave (file or folder), absolute. */
  source: string;
  samples: Sample[];
  /**
   * Given label of each sample as a string, in dataset order; `undefined` where
   * the dataset has none. Integer labels (IDX, NPY) are their decimal strings.
   */
  labels: (string | undefined)[];
  /** Present for image datasets (image folder, image manifest, IDX, image NPY). */
  images?: ImageSource;
  /** Present for feature datasets (tabular CSV, feature NPY, text CSV after featurizing). */
  features?: FeatureMatrix;
  /** Tabular CSV: its columns by name, so a model with a vector input can take the ones it names. */
  columns?: TableColumns;
  /** Samples that could not be read; the rest of the dataset is still usable. */
  skipped: { index: number; file: string; problem: string }[];
  /**
   * Datasets whose samples are the rows of a table file (manifest, tabular,
   * text): the file, and the column the labels were read from (absent when the
   * table has none or the labels came from another file), so an editor can
   * find a row and rewrite its label.
   */
  table?: { file: string; labelColumn?: string };
}

/** The columns of a tabular CSV, by name. */
export interface TableColumns {
  /** Every column, in file order (for messages). */
  all: string[];
  /** The columns of `Dataset.features`, in order: the numeric ones but the label, or those the user named. */
  features: string[];
  label?: string;
  /** The named columns (each one of `all`) as a matrix; a cell that is not a number is an InputError naming the table. */
  select(names: string[]): FeatureMatrix;
}

/** Options a user may give to point a loader at the right columns/files. */
export interface OpenDatasetOptions {
  /** Overrides the dataset's own labels: IDX labels file, .npy, or one label per line. */
  labelsPath?: string;
  labelColumn?: string;
  pathColumn?: string;
  textColumn?: string;
  /**
   * The caller can do without labels (a set under test, a set to summarise):
   * a manifest without a label column is then read as unlabelled instead of refused.
   */
  labelsOptional?: boolean;
  /** Columns of a tabular CSV to use as features (default: every numeric column but the label). */
  featureColumns?: string[];
}

/** PCA as core/pca.ts exports it; injectable so that a faster Gram product or a test double can be used. */
export type PcaFunction = (
  x: DenseMatrix,
  components: number,
  options?: ComputeOptions & { gram?: GramProduct },
) => Promise<{ projected: DenseMatrix; explainedVariance: Float64Array }>;

/** How a text dataset is turned into features (bag of words → L2 → PCA); all optional. */
export interface FeaturizeOptions extends ComputeOptions {
  /** Words kept, most frequent first (default 500). */
  vocabularySize?: number;
  /** Principal components kept (default 100, clamped to what the data allows). */
  components?: number;
  /** Default: core/pca. */
  pca?: PcaFunction;
  /** XᵀX backend handed to the PCA (e.g. onnxruntime's); default: core's reference. */
  gram?: GramProduct;
  /** Names the input in error messages (the CSV file). */
  file?: string;
}
