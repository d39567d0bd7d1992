/**
 * A label-issues result as a reviewer meets it, synthesised but shaped like
 * the engine's: the labels task's columns and metrics, each sample's 10
 * nearest neighbours, a 2-D PCA map where each class is a cloud and a
 * mislabelled sample sits in the cloud of its true class (its neighbours
 * carry that label), some review decisions. Used by preview.ts, the DOM
 * tests and bench/resultsPanel.ts (60,000 rows).
 */
import type { ResultColumn } from '../../src/protocol/engine';
import type { ResultRow, ResultsPayload, ReviewMarks } from '../../src/protocol/resultsPanel';
import { seededUniform } from '../../src/core/random';
import { FMNIST_LABELS } from '../support/fmnist';
import { IMAGES, ORIGIN } from './payloads';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const NEIGHBOURS = 10;

export const REVIEW_COLUMNS: ResultColumn[] = [
  { key: 'label', title: 'Given label', kind: 'label', description: 'the label the dataset gives' },
  {
    key: 'suggested',
    title: 'Suggested',
    kind: 'label',
    description: "the most likely true label by the scorer's evidence",
    contrastWith: 'label',
  },
  { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
];

function imageIds(): { id: string; label: string }[] {
  return FMNIST_LABELS.flatMap((label) =>
    readdirSync(join(IMAGES, label))
      .filter((file) => file.endsWith('.png'))
      .sort()
      .map((file) => ({ id: `${label}/${file}`, label })),
  );
}

export interface ReviewPayloadOptions {
  rowCount?: number;
  /** Share of samples whose given label is wrong. */
  noise?: number;
  /** Replaces the label names, the ids' folder names, everything a user file can name (XSS tests). */
  hostileText?: string;
}

export function reviewPayload(options: ReviewPayloadOptions = {}): ResultsPayload {
  const rowCount = options.rowCount ?? 1000;
  const noise = options.noise ?? 0.1;
  const random = seededUniform(7);
  const images = imageIds();
  const labels = options.hostileText
    ? FMNIST_LABELS.map((label, i) => (i === 0 ? options.hostileText! : label))
    : FMNIST_LABELS;
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  // Each sample: a true class (its cloud on the map), a given label (wrong for `noise` of them).
  const truth: number[] = [];
  const given: number[] = [];
  const x: number[] = [];
  const y: number[] = [];
  const byTruth: number[][] = labels.map(() => []);
  for (let index = 0; index < rowCount; index++) {
    const image = images[index % images.length];
    const t = Math.max(0, FMNIST_LABELS.indexOf(image.label));
    const wrong = random() < noise;
    truth.push(t);
    given.push(wrong ? (t + 1 + Math.floor(random() * (labels.length - 1))) % labels.length : t);
    const angle = (2 * Math.PI * t) / labels.length;
    x.push(6 * Math.cos(angle) + 1.3 * gaussian());
    y.push(6 * Math.sin(angle) + 1.3 * gaussian());
    byTruth[t].push(index);
  }

  const entries = Array.from({ length: rowCount }, (_, index) => {
    const cloud = byTruth[truth[index]];
    const neighbours: number[] = [];
    while (neighbours.length < Math.min(NEIGHBOURS, cloud.length - 1)) {
      const candidate = cloud[Math.floor(random() * cloud.length)];
      if (candidate !== index && !neighbours.includes(candidate)) neighbours.push(candidate);
    }
    const agreeing = neighbours.filter((n) => given[n] === given[index]).length;
    const score = Math.min(1, Math.max(0, 1 - agreeing / NEIGHBOURS + 0.05 * gaussian()));
    const image = images[index % images.length];
    const id = options.hostileText
      ? `${options.hostileText}/${index}.png`
      : `${image.label}/${index}-${image.id.split('/')[1]}`;
    const values: ResultRow['values'] = {
      label: labels[given[index]],
      suggested: labels[agreeing < NEIGHBOURS / 2 ? truth[index] : given[index]],
      predicted: labels[random() < 0.9 ? truth[index] : given[index]],
    };
    const row: ResultRow = {
      index,
      rank: 0,
      id,
      score,
      values,
      openable: true,
      thumbnail: `${ORIGIN}/data/${image.id}`,
      neighbours,
    };
    return row;
  });
  const rows = entries.sort((a, b) => b.score - a.score || a.index - b.index);
  rows.forEach((row, position) => (row.rank = position + 1));

  const wrongCount = given.filter((label, i) => label !== truth[i]).length;
  const differs = rows.filter((row) => row.values.suggested !== row.values.label).length;
  const reviewed: ReviewMarks = {};
  reviewed[rows[1].id] = { state: 'ok' };
  reviewed[rows[3].id] = { state: 'relabelled', to: String(rows[3].values.suggested) };
  return {
    task: 'labels',
    title: 'Label issues',
    scorer: 'fused',
    columns: REVIEW_COLUMNS,
    dataset: {
      kind: 'image-folder',
      source: options.hostileText ? `/home/user/${options.hostileText}` : '/home/user/fashion-mnist/train',
      count: rowCount,
      labelNames: labels,
    },
    rows,
    skipped: options.hostileText
      ? [{ index: rowCount, file: `${options.hostileText}.png`, problem: options.hostileText }]
      : [],
    metrics: {
      samples: rowCount,
      edges: rowCount * 14,
      estimatedIssues: wrongCount,
      estimatedNoiseRate: wrongCount / rowCount,
      suggestedDiffersFromGiven: differs,
      meanDisagreement: 0.3438,
      ...(options.hostileText ? { [options.hostileText]: 1 } : {}),
    },
    notices: options.hostileText ? [options.hostileText] : [],
    map: { method: 'pca', x, y },
    reviewed,
  };
}
