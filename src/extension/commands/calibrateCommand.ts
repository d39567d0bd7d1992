/**
 * MARGIN: Calibrate on This Dataset. Finds the dataset and model as the scan
 * commands do, runs the calibration in the engine behind a cancellable
 * progress notification, and shows the table in its panel. The engine stores
 * the recommendation, so Find Label Issues (with margin.scorer `auto`) uses it.
 */
import type { CalibrateParams, CalibrationResult } from '../../protocol/engine';
import type { CalibrationPanels } from '../calibrate/calibratePanel';
import { resolveScanInputs } from './resolveScanInputs';
import { reportScanFailure, withEngineProgress } from './runScanWithProgress';
import type { ExtensionServices } from './services';
import { ensureTrusted } from './vscodeTrust';

export const CALIBRATE_COMMAND = 'margin.calibrate';

/**
 * The command argument may also carry `fraction` and `seeds` (tests, keybindings);
 * anything else about them is left to the engine's defaults and checks.
 */
export function calibrationOptions(arg: unknown): Pick<CalibrateParams, 'fraction' | 'seeds'> {
  if (arg === null || typeof arg !== 'object') return {};
  const { fraction, seeds } = arg as Record<string, unknown>;
  return {
    ...(typeof fraction === 'number' ? { fraction } : {}),
    ...(typeof seeds === 'number' ? { seeds } : {}),
  };
}

/** The result (also shown in the panel), or undefined when the user backed out or it failed (reported). */
export async function runCalibrateCommand(
  services: ExtensionServices,
  panels: CalibrationPanels,
  arg?: unknown,
): Promise<CalibrationResult | undefined> {
  const { log, engine } = services;
  if (!ensureTrusted('calibrating the label scorers')) return undefined;
  const inputs = await resolveScanInputs(arg, services.fallbackCacheRoot, log, 'none', services.targets);
  if (!inputs) return undefined;
  const params: CalibrateParams = {
    datasets: [{ role: 'data', path: inputs.data }],
    model: inputs.model,
    batchSize: inputs.settings.batchSize,
    cacheRoot: inputs.cacheRoot,
    ...calibrationOptions(arg),
  };
  if (inputs.settings.k !== undefined) params.k = inputs.settings.k;
  if (!inputs.settings.standardizeFeatures) params.standardize = false;
  log.info(`calibration: data=${inputs.data} model=${inputs.model ?? '(none)'}`);
  try {
    const result = await withEngineProgress(
      engine,
      'MARGIN: calibrating the label scorers',
      (token, onProgress) => engine.calibrate(params, token, onProgress),
    );
    log.info(
      `calibration: ${result.recommended} recommended (${result.flips} of ${result.labelled} labels flipped, ` +
        `${result.seeds.length} seeds${result.cached.embeddings ? ', embeddings from the cache' : ''}); ` +
        `stored in ${result.recommendationFile}`,
    );
    panels.show(result);
    return result;
  } catch (error) {
    reportScanFailure(log, error);
    return undefined;
  }
}
