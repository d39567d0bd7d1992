/** What the calibration webview shows, from the engine's CalibrationResult. Pure. */
import type { CalibrationPayload } from '../../protocol/calibratePanel';
import type { CalibrationResult } from '../../protocol/engine';

export function buildCalibrationPayload(result: CalibrationResult): CalibrationPayload {
  const payload: CalibrationPayload = {
    dataset: result.dataset,
    labelled: result.labelled,
    flips: result.flips,
    fraction: result.params.fraction,
    seeds: result.seeds,
    k: result.params.k,
    fractions: result.fractions,
    rows: result.scorers.map((entry) => ({
      scorer: entry.scorer,
      description: entry.description,
      cells: entry.recall.map(({ fraction, mean, sd, perSeed }) => ({ fraction, mean, sd, perSeed })),
      recommended: entry.scorer === result.recommended,
      ...(entry.unavailable !== undefined ? { unavailable: entry.unavailable } : {}),
    })),
    recommended: result.recommended,
    recommendationFile: result.recommendationFile,
    notices: result.notices,
    skipped: result.skipped.length,
    cachedEmbeddings: result.cached.embeddings,
  };
  if (result.params.model) payload.model = result.params.model;
  return payload;
}
