/**
 * Synthesised results for each task, shaped as the engine's tasks describe
 * them (columns, reference, notices, distribution, prototypes/criticisms),
 * with real thumbnails: the 1,000 Fashion-MNIST images of
 * test/fixtures/fmnist/noisy. The numbers are made up; only the layout is
 * under review here.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetSummary, ResultColumn } from '../../src/protocol/engine';
import type { ResultRow, ResultsPayload } from '../../src/protocol/webview';
import { FMNIST_LABELS } from '../support/fmnist';
import { seededUniform } from '../../src/core/random';

export const ORIGIN = 'https://webview.test';
export const IMAGES = join(__dirname, '../fixtures/fmnist/noisy');

interface Image {
  id: string;
  label: string;
}

function images(): Image[] {
  return FMNIST_LABELS.flatMap((label) =>
    readdirSync(join(IMAGES, label))
      .filter((file) => file.endsWith('.png'))
      .sort()
      .map((file) => ({ id: `${label}/${file}`, label })),
  );
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function otherLabel(label: string, random: () => number): string {
  const others = FMNIST_LABELS.filter((candidate) => candidate !== label);
  return others[Math.floor(random() * others.length)];
}

/** Rows from (image, score, values), ranked by score, highest first. */
function ranked(
  entries: { index: number; image?: Image; id?: string; score: number; values: ResultRow['values'] }[],
): ResultRow[] {
  return entries
    .sort((a, b) => b.score - a.score)
    .map((entry, position) => {
      const row: ResultRow = {
        index: entry.index,
        rank: position + 1,
        id: entry.id ?? entry.image!.id,
        score: entry.score,
        values: entry.values,
        openable: entry.image !== undefined,
      };
      if (entry.image) row.thumbnail = `${ORIGIN}/data/${entry.image.id}`;
      return row;
    });
}

const imageFolder = (count: number): ResultsPayload['dataset'] => ({
  kind: 'image-folder',
  source: '/home/user/fashion-mnist/images',
  count,
  labelNames: FMNIST_LABELS,
});

const trainingSet: DatasetSummary = {
  kind: 'idx',
  source: '/home/user/fashion-mnist/train-images-idx3-ubyte.gz',
  count: 60000,
  labelNames: FMNIST_LABELS,
};

export function labelsPayload(rowCount = 1000): ResultsPayload {
  const random = seededUniform(1);
  const all = images();
  const columns: ResultColumn[] = [
    { key: 'label', title: 'Given label', kind: 'label', description: 'the label the dataset gives' },
    { key: 'suggested', title: 'Suggested', kind: 'label', contrastWith: 'label' },
    { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
  ];
  const rows = ranked(
    Array.from({ length: rowCount }, (_, index) => {
      const image = all[index % all.length];
      const score = random() ** 3;
      const flipped = score > 0.6;
      return {
        index,
        image,
        score,
        values: {
          label: image.label,
          suggested: flipped ? otherLabel(image.label, random) : image.label,
          predicted: flipped && random() < 0.8 ? otherLabel(image.label, random) : image.label,
        },
      };
    }),
  );
  return {
    task: 'labels',
    title: 'Label issues',
    scorer: 'margin',
    columns,
    dataset: imageFolder(rowCount + 12),
    rows,
    skipped: [],
    metrics: { disagreement: 0.0612, flagged: 48, estimatedIssues: 3 },
    notices: ['12 samples have no label and were left out: the labels task ranks labelled samples only.'],
  };
}

export function boundaryPayload(): ResultsPayload {
  const random = seededUniform(2);
  const all = images();
  const columns: ResultColumn[] = [
    { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
    { key: 'runnerUp', title: 'Runner-up', kind: 'label', description: 'the second most probable class' },
    {
      key: 'margin',
      title: 'p₁ − p₂',
      kind: 'number',
      description: 'probability margin of the top two classes',
    },
  ];
  const rows = ranked(
    all.map((image, index) => {
      const margin = random() ** 0.5;
      return {
        index,
        image,
        score: 1 - margin + 0.05 * random(),
        values: { predicted: image.label, runnerUp: otherLabel(image.label, random), margin },
      };
    }),
  );
  return {
    task: 'boundary',
    title: 'Boundary samples',
    scorer: 'boundary-distance',
    columns,
    dataset: imageFolder(all.length),
    reference: trainingSet,
    rows,
    skipped: [
      { index: 1000, file: '/home/user/fashion-mnist/images/Bag/broken.png', problem: 'is not a PNG image' },
    ],
    metrics: { 'predicted classes': 10 },
    notices: [],
  };
}

export function adversarialPayload(): ResultsPayload {
  const random = seededUniform(3);
  const all = images();
  const columns: ResultColumn[] = [
    { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
  ];
  // 200 clean inputs and 100 attacked ones under test; 1,000 clean references.
  const testScores = Array.from({ length: 300 }, (_, i) =>
    i < 200 ? 0.2 + 0.1 * normal(random) : 0.7 + 0.12 * normal(random),
  );
  const referenceScores = Array.from({ length: 1000 }, () => 0.2 + 0.1 * normal(random));
  const rows = ranked(
    testScores.map((score, index) => ({
      index,
      image: all[(index * 7) % all.length],
      score,
      values: { predicted: all[(index * 7 + (index >= 200 ? 3 : 0)) % all.length].label },
    })),
  );
  return {
    task: 'adversarial',
    title: 'Adversarial inputs',
    scorer: 'fused',
    columns,
    dataset: {
      kind: 'npy',
      source: '/home/user/fashion-mnist/adversarial/fgsm-pgd.npy',
      count: 300,
      labelNames: FMNIST_LABELS,
    },
    reference: {
      ...trainingSet,
      kind: 'image-folder',
      source: '/home/user/fashion-mnist/clean',
      count: 1000,
    },
    rows,
    skipped: [],
    metrics: { 'reference AUROC (held out)': 0.9712 },
    notices: [
      'The labels that came with the data under test were not used: detectors never trust them.',
      '3 reference samples scored NaN and are left out of the histogram.',
    ],
    distribution: {
      title: 'Detector score',
      series: [
        { name: 'reference (clean)', values: [...referenceScores, NaN, NaN, NaN] },
        { name: 'data under test', values: testScores },
      ],
    },
  };
}

/** Prototypes and criticisms; `arrays`: the samples are rows of an array file (no thumbnails, no files). */
export function prototypesPayload(arrays = false): ResultsPayload {
  const random = seededUniform(4);
  const all = images();
  const columns: ResultColumn[] = [
    { key: 'label', title: 'Label', kind: 'label' },
    { key: 'role', title: 'Role', kind: 'text', description: 'prototype, criticism or neither' },
  ];
  const order = all.map((_, index) => index).sort(() => random() - 0.5);
  const prototypes = order.slice(0, 50);
  const criticisms = order.slice(50, 100);
  const roles = new Map<number, string>([
    ...prototypes.map((index) => [index, 'prototype'] as const),
    ...criticisms.map((index) => [index, 'criticism'] as const),
  ]);
  const rows = ranked(
    all.map((image, index) => ({
      index,
      image: arrays ? undefined : image,
      id: arrays ? `#${index}` : undefined,
      score: criticisms.includes(index) ? 0.8 + 0.2 * random() : 0.8 * random(),
      values: { label: image.label, ...(roles.has(index) ? { role: roles.get(index) } : {}) },
    })),
  );
  return {
    task: 'prototypes',
    title: 'Prototypes and criticisms',
    scorer: 'margin-mmd',
    columns,
    dataset: arrays
      ? {
          kind: 'npy',
          source: '/home/user/fashion-mnist/features.npy',
          count: all.length,
          labelNames: FMNIST_LABELS,
        }
      : imageFolder(all.length),
    rows,
    skipped: [],
    notices: [],
    prototypes,
    criticisms,
  };
}

export function acquirePayload(): ResultsPayload {
  const random = seededUniform(5);
  const all = images();
  const columns: ResultColumn[] = [
    {
      key: 'suggested',
      title: 'Suggested label',
      kind: 'label',
      description: 'label spreading from the labelled samples',
    },
    {
      key: 'confidence',
      title: 'Confidence',
      kind: 'number',
      description: "the suggested label's share after spreading",
    },
    { key: 'batch', title: 'Next batch', kind: 'text', description: 'in the batch to label next' },
  ];
  // The first 300 samples are labelled; the other 719 are ranked.
  const rows = ranked(
    all.slice(300).map((image, i) => ({
      index: 300 + i,
      image,
      score: random(),
      values: {
        suggested: random() < 0.85 ? image.label : otherLabel(image.label, random),
        confidence: 0.3 + 0.7 * random(),
      },
    })),
  );
  for (const row of rows) if (row.rank <= 100) row.values.batch = true;
  return {
    task: 'acquire',
    title: 'Samples to label next',
    scorer: 'margin-coverage',
    columns,
    dataset: {
      kind: 'manifest',
      source: '/home/user/fashion-mnist/to-label.csv',
      count: all.length,
      labelNames: FMNIST_LABELS,
    },
    rows,
    skipped: [],
    notices: ['300 labelled samples are not ranked. The first 100 rows are the batch to label next.'],
  };
}

/** Nothing to rank: the empty state, with the notice that says why. */
export function emptyPayload(): ResultsPayload {
  return {
    ...labelsPayload(0),
    dataset: imageFolder(12),
    metrics: undefined,
    notices: ['All 12 samples are unlabelled: there is nothing for the labels task to rank.'],
  };
}
