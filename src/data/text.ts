/**
 * Text → features, as scikit-learn's CountVectorizer(max_features=500) followed
 * by row L2 normalisation and PCA(100), so results can be checked against it.
 */
import { InputError } from '../core/errors';
import { pca as corePca } from '../core/pca';
import type { DenseMatrix } from '../core/types';
import type { FeaturizeOptions, PcaFunction } from './types';

export const DEFAULT_VOCABULARY_SIZE = 500;
export const DEFAULT_TEXT_COMPONENTS = 100;

/**
 * sklearn's default token pattern `(?u)\b\w\w+\b` on lower-cased text: maximal
 * runs of two or more word characters. Python's `\w` is Unicode-aware (letters,
 * digits, underscore) while JavaScript's `\w` is ASCII only even with the u flag,
 * so the class is spelled out with Unicode properties.
 */
const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

export interface Vocabulary {
  /** Most frequent first; ties in code-point order (as sklearn: a stable sort of the sorted terms). */
  words: string[];
  /** Total count of each word over all documents. */
  counts: Int32Array;
  /** word → column. */
  index: Map<string, number>;
}

/** The `size` words with the largest total counts over `documents` (token lists). */
export function buildVocabulary(documents: readonly string[][], size = DEFAULT_VOCABULARY_SIZE): Vocabulary {
  const totals = new Map<string, number>();
  for (const tokens of documents) for (const token of tokens) totals.set(token, (totals.get(token) ?? 0) + 1);
  const ranked = [...totals].sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0])).slice(0, size);
  const words = ranked.map(([word]) => word);
  return {
    words,
    counts: Int32Array.from(ranked, ([, count]) => count),
    index: new Map(words.map((word, column) => [word, column])),
  };
}

/** Python's string order (by code point); JavaScript's `<` compares UTF-16 units, which differs past U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** documents × vocabulary matrix of word counts (words outside the vocabulary are dropped). */
export function bagOfWords(documents: readonly string[][], vocabulary: Vocabulary): DenseMatrix {
  const dim = vocabulary.words.length;
  const data = new Float32Array(documents.length * dim);
  documents.forEach((tokens, row) => {
    for (const token of tokens) {
      const column = vocabulary.index.get(token);
      if (column !== undefined) data[row * dim + column] += 1;
    }
  });
  return { rows: documents.length, dim, data };
}

/** Scales every row to unit Euclidean norm in place; all-zero rows stay zero. */
export function normalizeRows(matrix: DenseMatrix): DenseMatrix {
  const { rows, dim, data } = matrix;
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    for (let c = row * dim; c < (row + 1) * dim; c++) sum += data[c] * data[c];
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let c = row * dim; c < (row + 1) * dim; c++) data[c] *= scale;
  }
  return matrix;
}

export interface TextFeatures {
  vocabulary: Vocabulary;
  /** rows × components: PCA projection of the L2-normalised bag of words. */
  features: DenseMatrix;
  /** Variance along each kept component (denominator n − 1, as sklearn's `explained_variance_`). */
  explainedVariance: Float64Array;
}

/**
 * Bag of words over the most frequent words, each row L2-normalised, projected
 * to `components` principal components (clamped to min(rows − 1, vocabulary
 * size), the most the data can hold). `pcaFn` defaults to core's `pca`.
 */
export async function featurizeText(
  texts: readonly string[],
  options: FeaturizeOptions = {},
  pcaFn: PcaFunction = options.pca ?? corePca,
): Promise<TextFeatures> {
  const file = options.file ?? 'texts';
  if (texts.length < 2)
    throw new InputError(
      file,
      `holds ${texts.length} text${texts.length === 1 ? '' : 's'}: at least 2 are needed`,
    );
  const documents = texts.map(tokenize);
  const vocabulary = buildVocabulary(documents, options.vocabularySize ?? DEFAULT_VOCABULARY_SIZE);
  if (vocabulary.words.length === 0)
    throw new InputError(file, 'holds no words (runs of two or more letters or digits) in its texts');
  const bag = normalizeRows(bagOfWords(documents, vocabulary));
  const components = Math.max(
    1,
    Math.min(options.components ?? DEFAULT_TEXT_COMPONENTS, texts.length - 1, vocabulary.words.length),
  );
  const result = await pcaFn(bag, components, {
    gram: options.gram,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  return { vocabulary, features: result.projected, explainedVariance: result.explainedVariance };
}
