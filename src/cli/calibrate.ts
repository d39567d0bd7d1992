/**
 * `margin calibrate`: flags, the run, and the table (or `--json`). The table
 * goes to stdout, notes and the recommendation to stderr, as `scan` does.
 */
import { InputError } from '../core/errors';
import { runCalibration } from '../engine/calibrate';
import type { CalibrateParams, CalibrationResult, DatasetSpec, KnnBackend } from '../protocol/engine';
import { oneOf, parseFlags, positiveInteger } from './args';
import { stderrContext } from './progress';

export interface CalibrateCommand {
  params: CalibrateParams;
  json: boolean;
  quiet: boolean;
}

export function parseCalibrateArgs(args: string[]): CalibrateCommand {
  const values = parseFlags(args, {
    data: { type: 'string' },
    labels: { type: 'string' },
    model: { type: 'string' },
    fraction: { type: 'string' },
    seeds: { type: 'string' },
    'label-column': { type: 'string' },
    'path-column': { type: 'string' },
    'text-column': { type: 'string' },
    k: { type: 'string' },
    'batch-size': { type: 'string' },
    'no-standardize': { type: 'boolean', default: false },
    knn: { type: 'string' },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  });
  if (!values.data)
    throw new InputError('--data', 'is required (the labelled dataset whose labels calibration flips)');
  const data: DatasetSpec = {
    role: 'data',
    path: values.data,
    labels: values.labels,
    labelColumn: values['label-column'],
    pathColumn: values['path-column'],
    textColumn: values['text-column'],
  };
  const params: CalibrateParams = {
    datasets: [data],
    model: values.model,
    // The engine checks the range and names --fraction / --seeds when it is wrong.
    fraction: values.fraction === undefined ? undefined : finiteNumber('--fraction', values.fraction),
    seeds: values.seeds === undefined ? undefined : positiveInteger('--seeds', values.seeds),
    k: values.k === undefined ? undefined : positiveInteger('--k', values.k),
    batchSize:
      values['batch-size'] === undefined ? undefined : positiveInteger('--batch-size', values['batch-size']),
    knn: oneOf<KnnBackend>('--knn', values.knn, ['auto', 'exact', 'approximate']),
    ...(values['no-standardize'] ? { standardize: false } : {}),
  };
  for (const record of [data, params] as unknown as Record<string, unknown>[])
    for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  return { params, json: values.json!, quiet: values.quiet! };
}

function finiteNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new InputError(flag, `must be a number, got "${text}"`);
  return value;
}

export async function runCalibrateCommand(args: string[]): Promise<void> {
  const command = parseCalibrateArgs(args);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const context = stderrContext(command.quiet, controller.signal);
  const result = await runCalibration(command.params, context).finally(() => context.finish());
  if (command.json) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    process.stdout.write(calibrationHeading(result) + '\n' + formatCalibrationTable(result) + '\n');
  }
  for (const skip of result.skipped) process.stderr.write(`skipped ${skip.file}: ${skip.problem}\n`);
  for (const notice of result.notices) process.stderr.write(`note: ${notice}\n`);
  if (!command.quiet)
    process.stderr.write(
      `recommended: ${result.recommended} (best mean recall@10%, ties by recall@30%); ` +
        `scans with --scorer auto (the default) now use it for this dataset and model ` +
        `(stored in ${result.recommendationFile})\n`,
    );
}

export function calibrationHeading(result: CalibrationResult): string {
  const percent = Math.round(result.params.fraction * 1000) / 10;
  return (
    `Label scorers on ${result.dataset.source}: ${result.flips} of ${result.labelled} labels flipped (${percent}%), ` +
    `${result.seeds.length} seed${result.seeds.length === 1 ? '' : 's'}, k = ${result.params.k}; ` +
    `recall of the flips in the top of each ranking, mean ± sd over seeds:`
  );
}

/** One row per scorer: recall at each fraction as mean ± sd; the recommended one marked. */
export function formatCalibrationTable(result: CalibrationResult): string {
  const header = ['scorer', ...result.fractions.map((fraction) => `recall@${fraction * 100}%`), ''];
  const rows = result.scorers.map((entry) => {
    const mark = entry.scorer === result.recommended ? '← recommended' : '';
    if (entry.unavailable)
      return [entry.scorer, ...result.fractions.map(() => '—'), `unavailable: ${entry.unavailable}`];
    return [
      entry.scorer,
      ...entry.recall.map((cell) => `${cell.mean.toFixed(3)} ± ${cell.sd.toFixed(3)}`),
      mark,
    ];
  });
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table
    .map((row) =>
      row
        .map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
