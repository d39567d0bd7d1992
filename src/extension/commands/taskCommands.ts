/**
 * The scan commands: one per engine task. Each finds its inputs (dataset,
 * reference set when the task compares with one, model), runs the task in the
 * engine behind a cancellable progress notification, and shows the results
 * panel. A new task needs a line here and one in package.json, nothing more.
 */
import type { ScanParams, ScanResult } from '../../protocol/engine';
import type { ScanSettings } from '../settings';
import { resolveScanInputs, type ReferenceUse } from './resolveScanInputs';
import { runScanWithProgress } from './runScanWithProgress';
import { ensureTrusted } from './vscodeTrust';
import type { ExtensionServices } from './services';

export interface TaskCommand {
  command: string;
  task: string;
  /** The progress notification's title. */
  progress: string;
  reference: ReferenceUse;
  /** The task's `count` parameter, from the settings (prototypes listed, batch size). */
  count?(settings: ScanSettings): number;
  /** The task's scorer, from the settings (`auto`: calibration's choice for the data and model, else the default). */
  scorer?(settings: ScanSettings): string;
}

export const TASK_COMMANDS: readonly TaskCommand[] = [
  {
    command: 'margin.findLabelIssues',
    task: 'labels',
    progress: 'MARGIN: finding label issues',
    reference: 'none',
    scorer: (settings) => settings.scorer,
  },
  {
    command: 'margin.findBoundarySamples',
    task: 'boundary',
    progress: 'MARGIN: finding boundary samples',
    reference: 'optional',
  },
  {
    command: 'margin.detectAdversarial',
    task: 'adversarial',
    progress: 'MARGIN: detecting adversarial inputs',
    reference: 'required',
  },
  {
    command: 'margin.findPrototypes',
    task: 'prototypes',
    progress: 'MARGIN: finding prototypes and criticisms',
    reference: 'none',
    count: (settings) => settings.prototypeCount,
  },
  {
    command: 'margin.suggestSamplesToLabel',
    task: 'acquire',
    progress: 'MARGIN: choosing samples to label',
    reference: 'none',
    count: (settings) => settings.labelBatchSize,
  },
];

/** Runs one task command; the result (also shown in its panel), or undefined when the user backed out or it failed. */
export async function runTaskCommand(
  services: ExtensionServices,
  spec: TaskCommand,
  arg?: unknown,
  options: { noCache?: boolean } = {},
): Promise<ScanResult | undefined> {
  if (!ensureTrusted(spec.progress.replace(/^MARGIN: /, ''))) return undefined;
  const inputs = await resolveScanInputs(
    arg,
    services.fallbackCacheRoot,
    services.log,
    spec.reference,
    services.targets,
  );
  if (!inputs) return undefined;
  const params: ScanParams = {
    task: spec.task,
    datasets: [{ role: 'data', path: inputs.data }],
    model: inputs.model,
    batchSize: inputs.settings.batchSize,
    cacheRoot: inputs.cacheRoot,
  };
  if (!inputs.settings.standardizeFeatures) params.standardize = false;
  if (inputs.reference) params.datasets.push({ role: 'reference', path: inputs.reference });
  if (inputs.settings.k !== undefined) params.k = inputs.settings.k;
  if (spec.count) params.count = spec.count(inputs.settings);
  if (spec.scorer) params.scorer = spec.scorer(inputs.settings);
  if (options.noCache) params.noCache = true;
  const result = await runScanWithProgress(services, params, spec.progress);
  if (result) {
    services.results.publish(result, inputs.cacheRoot);
    services.panels.show(result);
  }
  return result;
}
