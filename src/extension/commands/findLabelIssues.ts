/** MARGIN: Find Label Issues — rank samples by how likely their label is wrong (case III). */
import type { ScanResult } from '../../protocol/engine';
import { resolveScanInputs } from './resolveScanInputs';
import { runScanWithProgress } from './runScanWithProgress';
import type { ExtensionServices } from './services';

export async function findLabelIssues(
  services: ExtensionServices,
  arg?: unknown,
): Promise<ScanResult | undefined> {
  const inputs = await resolveScanInputs(arg, services.fallbackCacheRoot, services.log);
  if (!inputs) return undefined;
  const result = await runScanWithProgress(
    services,
    {
      task: 'labels',
      datasets: [{ role: 'data', path: inputs.data }],
      model: inputs.model,
      k: inputs.settings.k,
      batchSize: inputs.settings.batchSize,
      cacheRoot: inputs.cacheRoot,
    },
    'MARGIN: finding label issues',
  );
  if (result) services.panels.show(result);
  return result;
}
