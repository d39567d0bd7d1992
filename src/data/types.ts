/** What every dataset loader returns. Samples are kept in dataset order. */
import type { ComputeOptions, DenseMatrix, GramProduct } from '../core/types';

export type DatasetKind = 'image-folder' | 'manifest' | 'idx' | 'npy' | 'tabular' | 'text';

export interface Sample {
  /** Stable id: relative path for files, `#<index>` for rows of an array file. */
  id: string;
  /** Absolute path of the sample's file, when it has one (image folder, manifest). */
  path?: string;
  /** The sample's text, for text datasets (what a reviewer reads instead of an image). */
  text?: string;
}

/** Raw pixels of one image, channel-last (HWC), uint8. */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

/** Images decoded on demand, so that 60k files never sit in memory as objects. */
export interface ImageSource {
  readonly count: number;
  /** Natural size of the images when every image shares it (IDX, NPY), else undefined. */
  readonly shape?: { height: number; width: number; channels: number };
  /**
   * Decodes sample `index`. With `channels` given, converts to that many channels
   * (1 = greyscale, 3 = RGB). Never resizes: a size that does not match the
   * model is the caller's error to report. Throws InputError naming the file
   * when the image cannot be decoded.
   */
  read(index: number, channels?: number): Promise<RawImage>;
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
  /** Samples that could not be read; the rest of the dataset is still usable. */
  skipped: { index: number; file: string; problem: string }[];
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
