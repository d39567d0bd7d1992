import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../core/errors';
import {
  EXPLAIN_METHODS,
  type DatasetSpec,
  type ExplainMethod,
  type ExplainOptions,
  type ExplainParams,
  type FilterVariant,
  type KnnBackend,
  type ScanParams,
  type ShiftOperator,
} from '../protocol/engine';
import type { ResultFormat } from '../engine/resultFiles';

export const USAGE = `usage:
  margin scan --data PATH --task labels|boundary|adversarial|prototypes|acquire
              [--labels PATH] [--model M.onnx] [--reference PATH [--reference-labels PATH]]
              [--text-column NAME] [--label-column NAME] [--path-column NAME]
              [--k N] [--scorer NAME|auto] [--count N] [--global] [--operator normalized|random-walk|laplacian]
              [--variant algorithm-1|reference-code] [--batch-size 256] [--no-cache] [--no-standardize]
              [--knn auto|exact|approximate] [--knn-graph EDGES.npy|CSR.npz|FOLDER]
              [--out results.json]... [--format json|csv] [--top 10] [--quiet]
  margin calibrate --data PATH [--labels PATH] [--model M.onnx] [--fraction 0.1] [--seeds 3]
              [--label-column NAME] [--path-column NAME] [--text-column NAME] [--k N]
              [--batch-size 256] [--no-standardize] [--knn auto|exact|approximate] [--json] [--quiet]
    flips that share of the data's own labels (seeds 1…N), runs every labels scorer and reports the
    recall of the flips in its top 5/10/20/30%; the best is what --scorer auto then uses on this data.
  margin explain --model M.onnx --input IMAGE|NPY|TABLE [--row N] [--target CLASS]
              --method occlusion|gradient|ig|smoothgrad|deeplift|dance|caso|margin
              [--baseline black|blur|mean|zeros] [--steps N] [--samples N] [--noise SIGMA]
              [--rule rescale|reveal-cancel] [--layer NAME] [--seed N]
              [--patch N] [--stride N] [--preset best|paper] [--scales 25,50,100,200]
              [--neighbours N] [--batch-size 64] [--forward-precision float32|float64]
              [--out map.npy|map.png|map.json]... [--metrics] [--quiet]
    --input x.npy is the model input tensor as is; an image is preprocessed as the sidecar says;
    a table (.csv/.tsv/.jsonl) with --row N (0 = first data row, the scan's #N) gives a model that
    takes vectors that row, with the sidecar's input.features and mean/std as a scan feeds it.
    --target is a class index or a label name (default: the predicted class).
    occlusion: --patch (default min(H,W)/7, 4 for 28×28) and --stride (default patch/2);
    it needs no gradients, so it works on any model onnxruntime runs.
    margin (MARGIN's superpixel saliency, no gradients either): SLIC superpixels at --scales
    segment counts are masked one by one; the map is the dense masking effect S times MARGIN's
    influence I on a graph of superpixels with similar effects (--neighbours per node).
    --preset best (default) takes the settings that measure best on held-out Fashion-MNIST
    (scales 25,50,100,200, k 5, black fill, logit, signed effects, Gaussian edges); --preset paper
    the published ones (scales 50,...,300, k 10, zeros fill, probability, |effect|, binary edges).
    --baseline: the reference of ig, deeplift, occlusion and margin (their fill). On an image model it is
    defined on the pixels, then normalised as the sidecar says: black (pixel 0), blur (the image
    blurred, sigma = shorter side / 8), mean (each channel's mean over the image); zeros is 0 in
    model-input space (the dataset's mean colour, a grey). Defaults, chosen by faithfulness on
    held-out Fashion-MNIST: ig blur, deeplift zeros, occlusion mean, margin black. A model that takes vectors
    (table rows) has no pixels: black is refused, and zeros (the training mean of every feature)
    is the default.
    --metrics: the map's faithfulness, RISE deletion AUC (lower is better) and insertion AUC
    (higher is better), deleted pixels set to the map's baseline (zeros for methods without one,
    unless --baseline is given), and its sparsity (Gini of |map|).
    --forward-precision float64 (gradient, ig, smoothgrad, caso, dance): the forward pass inside the
    gradient model runs in double, so every ReLU mask and MaxPool choice is float64's; deep ReLU
    networks otherwise put a pre-activation within float32 rounding of zero on the wrong side now
    and then. About 1.5-3x the time per map; deeplift refuses it.
`;

export interface ScanCommand {
  command: 'scan';
  params: ScanParams;
  outputs: string[];
  format?: ResultFormat;
  top: number;
  quiet: boolean;
}

export interface ExplainCommand {
  command: 'explain';
  params: ExplainParams;
  quiet: boolean;
}

/** Parsed by `cli/calibrate.ts`, which owns its flags. */
export interface CalibrateCommandLine {
  command: 'calibrate';
  args: string[];
}

export type CliCommand = ScanCommand | ExplainCommand | CalibrateCommandLine | { command: 'help' };

const OPERATORS: ShiftOperator[] = ['normalized', 'random-walk', 'laplacian'];
const VARIANTS: FilterVariant[] = ['algorithm-1', 'reference-code'];

export function parseCommandLine(argv: string[]): CliCommand {
  const [command, ...rest] = argv;
  const asksForHelp = (arg: string) => arg === '--help' || arg === '-h';
  if (!command || command === 'help' || asksForHelp(command) || argv.some(asksForHelp))
    return { command: 'help' };
  if (command === 'explain') return parseExplain(rest);
  if (command === 'calibrate') return { command: 'calibrate', args: rest };
  if (command !== 'scan') throw new InputError(command, 'is not a margin command (scan, calibrate, explain)');

  const values = parseFlags(rest, {
    data: { type: 'string' },
    task: { type: 'string', default: 'labels' },
    labels: { type: 'string' },
    model: { type: 'string' },
    reference: { type: 'string' },
    'reference-labels': { type: 'string' },
    'text-column': { type: 'string' },
    'label-column': { type: 'string' },
    'path-column': { type: 'string' },
    k: { type: 'string' },
    count: { type: 'string' },
    global: { type: 'boolean', default: false },
    scorer: { type: 'string' },
    operator: { type: 'string' },
    variant: { type: 'string' },
    'batch-size': { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    'no-standardize': { type: 'boolean', default: false },
    knn: { type: 'string' },
    'knn-graph': { type: 'string' },
    out: { type: 'string', multiple: true },
    format: { type: 'string' },
    top: { type: 'string', default: '10' },
    quiet: { type: 'boolean', default: false },
  });
  if (!values.data)
    throw new InputError('--data', 'is required (an image folder, manifest, IDX file, .npy or CSV)');
  // The engine's task registry checks the name (and lists the tasks when it is unknown).
  const task = values.task!;
  if (values['reference-labels'] && !values.reference) {
    throw new InputError('--reference-labels', 'needs --reference (the labelled set those labels belong to)');
  }
  const format = oneOf<ResultFormat>('--format', values.format, ['json', 'csv']);
  // The columns options describe the data; a reference table is read with its own defaults.
  const datasets: DatasetSpec[] = [
    {
      role: 'data',
      path: values.data,
      labels: values.labels,
      textColumn: values['text-column'],
      labelColumn: values['label-column'],
      pathColumn: values['path-column'],
    },
  ];
  if (values.reference)
    datasets.push({ role: 'reference', path: values.reference, labels: values['reference-labels'] });
  for (const spec of datasets) {
    for (const key of Object.keys(spec) as (keyof DatasetSpec)[])
      if (spec[key] === undefined) delete spec[key];
  }
  const params: ScanParams = {
    task,
    datasets,
    model: values.model,
    k: values.k === undefined ? undefined : positiveInteger('--k', values.k),
    count: values.count === undefined ? undefined : positiveInteger('--count', values.count),
    perClass: values.global ? false : undefined,
    scorer: values.scorer,
    operator: oneOf('--operator', values.operator, OPERATORS),
    variant: oneOf('--variant', values.variant, VARIANTS),
    batchSize:
      values['batch-size'] === undefined ? undefined : positiveInteger('--batch-size', values['batch-size']),
    noCache: values['no-cache'],
    knn: oneOf<KnnBackend>('--knn', values.knn, ['auto', 'exact', 'approximate']),
    knnGraph: values['knn-graph'],
    // Tabular features are standardised unless the flag says not to.
    ...(values['no-standardize'] ? { standardize: false } : {}),
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

function parseExplain(args: string[]): ExplainCommand {
  const values = parseFlags(args, {
    model: { type: 'string' },
    input: { type: 'string' },
    row: { type: 'string' },
    target: { type: 'string' },
    method: { type: 'string' },
    baseline: { type: 'string' },
    steps: { type: 'string' },
    samples: { type: 'string' },
    noise: { type: 'string' },
    rule: { type: 'string' },
    layer: { type: 'string' },
    seed: { type: 'string' },
    patch: { type: 'string' },
    stride: { type: 'string' },
    preset: { type: 'string' },
    scales: { type: 'string' },
    neighbours: { type: 'string' },
    'batch-size': { type: 'string' },
    'forward-precision': { type: 'string' },
    out: { type: 'string', multiple: true },
    metrics: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  });
  if (!values.model) throw new InputError('--model', 'is required (the .onnx classifier to explain)');
  if (!values.input)
    throw new InputError(
      '--input',
      'is required (an image file, a .npy holding one model input, or a table with --row)',
    );
  if (!values.method) throw new InputError('--method', `is required: one of ${EXPLAIN_METHODS.join(', ')}`);
  const method = oneOf<ExplainMethod>('--method', values.method, [...EXPLAIN_METHODS])!;
  const optional = (flag: string, text: string | undefined, parse: (flag: string, text: string) => number) =>
    text === undefined ? undefined : parse(flag, text);
  const options: ExplainOptions = {
    baseline: oneOf('--baseline', values.baseline, ['black', 'blur', 'mean', 'zeros']),
    steps: optional('--steps', values.steps, positiveInteger),
    samples: optional('--samples', values.samples, positiveInteger),
    noise: optional('--noise', values.noise, positiveNumber),
    rule: oneOf('--rule', values.rule, ['rescale', 'reveal-cancel']),
    layer: values.layer,
    seed: optional('--seed', values.seed, integer),
    patch: optional('--patch', values.patch, positiveInteger),
    stride: optional('--stride', values.stride, positiveInteger),
    preset: oneOf('--preset', values.preset, ['best', 'paper']),
    scales:
      values.scales === undefined
        ? undefined
        : values.scales.split(',').map((count) => positiveInteger('--scales', count.trim())),
    neighbours: optional('--neighbours', values.neighbours, positiveInteger),
    batchSize: optional('--batch-size', values['batch-size'], positiveInteger),
    forwardPrecision: oneOf('--forward-precision', values['forward-precision'], ['float32', 'float64']),
  };
  for (const key of Object.keys(options) as (keyof ExplainOptions)[])
    if (options[key] === undefined) delete options[key];
  return {
    command: 'explain',
    params: {
      model: values.model,
      input: values.input,
      ...(values.row === undefined ? {} : { row: nonNegativeInteger('--row', values.row) }),
      method,
      target: values.target,
      options,
      out: values.out ?? [],
      ...(values.metrics ? { metrics: true } : {}),
    },
    quiet: values.quiet!,
  };
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new InputError(flag, `must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function integer(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value))
    throw new InputError(flag, `must be an integer, got "${text}"`);
  return value;
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !(value > 0) || !Number.isFinite(value))
    throw new InputError(flag, `must be a positive number, got "${text}"`);
  return value;
}

export function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new InputError(flag, `must be a positive integer, got "${text}"`);
  return value;
}

function nonNegativeInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new InputError(flag, `must be a non-negative integer, got "${text}"`);
  return value;
}

/**
 * Strict flag parsing shared by every command: unknown flags and positionals are refused,
 * and node's multi-line message is cut to its first line for the one-line error.
 */
export function parseFlags<Options extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: Options,
) {
  try {
    return parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: Options }>({
      args,
      strict: true,
      allowPositionals: false,
      options,
    }).values;
  } catch (error) {
    throw new InputError('arguments', (error as Error).message.split('\n')[0]);
  }
}
