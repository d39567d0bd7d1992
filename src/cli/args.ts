import { parseArgs } from 'node:util';
import { InputError } from '../core/errors';
import { TASK_NAMES, type ScanParams, type ShiftOperator, type FilterVariant, type TaskName } from '../protocol/engine';
import type { ResultFormat } from '../engine/resultFiles';

export const USAGE = `usage:
  margin scan --data PATH --task labels|boundary|adversarial|prototypes
              [--labels PATH] [--model M.onnx] [--reference PATH --reference-labels PATH]
              [--text-column NAME] [--label-column NAME] [--path-column NAME]
              [--k 20] [--scorer NAME] [--operator normalized|random-walk|laplacian]
              [--variant algorithm-1|reference-code] [--batch-size 256] [--no-cache]
              [--out results.json]... [--format json|csv] [--top 10] [--quiet]
  margin explain --model M.onnx --input IMAGE|NPY --method NAME   (not available yet)
`;

export interface ScanCommand {
  command: 'scan';
  params: ScanParams;
  outputs: string[];
  format?: ResultFormat;
  top: number;
  quiet: boolean;
}

export type CliCommand = ScanCommand | { command: 'explain' } | { command: 'help' };

const OPERATORS: ShiftOperator[] = ['normalized', 'random-walk', 'laplacian'];
const VARIANTS: FilterVariant[] = ['algorithm-1', 'reference-code'];

export function parseCommandLine(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === 'explain') return { command: 'explain' };
  if (command !== 'scan') throw new InputError(command, 'is not a margin command (scan, explain)');

  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        task: { type: 'string', default: 'labels' },
        labels: { type: 'string' },
        model: { type: 'string' },
        reference: { type: 'string' },
        'reference-labels': { type: 'string' },
        'text-column': { type: 'string' },
        'label-column': { type: 'string' },
        'path-column': { type: 'string' },
        k: { type: 'string', default: '20' },
        scorer: { type: 'string' },
        operator: { type: 'string' },
        variant: { type: 'string' },
        'batch-size': { type: 'string' },
        'no-cache': { type: 'boolean', default: false },
        out: { type: 'string', multiple: true },
        format: { type: 'string' },
        top: { type: 'string', default: '10' },
        quiet: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new InputError('arguments', (error as Error).message.split('\n')[0]);
  }
  if (!values.data) throw new InputError('--data', 'is required (an image folder, manifest, IDX file, .npy or CSV)');
  const task = values.task as TaskName;
  if (!TASK_NAMES.includes(task)) throw new InputError('--task', `must be one of ${TASK_NAMES.join(', ')}, got "${values.task}"`);
  const oneOf = <T extends string>(flag: string, value: string | undefined, allowed: T[]): T | undefined => {
    if (value === undefined) return undefined;
    if (!allowed.includes(value as T)) throw new InputError(flag, `must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  };
  const format = oneOf<ResultFormat>('--format', values.format, ['json', 'csv']);
  const params: ScanParams = {
    task,
    data: values.data,
    labels: values.labels,
    model: values.model,
    reference: values.reference,
    referenceLabels: values['reference-labels'],
    textColumn: values['text-column'],
    labelColumn: values['label-column'],
    pathColumn: values['path-column'],
    k: positiveInteger('--k', values.k!),
    scorer: values.scorer,
    operator: oneOf('--operator', values.operator, OPERATORS),
    variant: oneOf('--variant', values.variant, VARIANTS),
    batchSize: values['batch-size'] === undefined ? undefined : positiveInteger('--batch-size', values['batch-size']),
    noCache: values['no-cache'],
  };
  return {
    command: 'scan',
    params,
    outputs: values.out ?? [],
    format,
    top: nonNegativeInteger('--top', values.top!),
    quiet: values.quiet!,
  };
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InputError(flag, `must be a positive integer, got "${text}"`);
  return value;
}

function nonNegativeInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InputError(flag, `must be a non-negative integer, got "${text}"`);
  return value;
}
