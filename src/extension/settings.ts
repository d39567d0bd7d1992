/**
 * The `margin.*` settings, read through a getter so the validation is pure.
 * The manifest's min/max only constrain the Settings UI; settings.json can hold
 * anything, so values are checked here and a bad one is named to the user.
 */
export interface ScanSettings {
  k: number;
  batchSize: number;
  dataPath: string;
  modelPath: string;
}

export const SETTING_DEFAULTS: ScanSettings = { k: 20, batchSize: 256, dataPath: '', modelPath: '' };

export type SettingGetter = (key: keyof ScanSettings) => unknown;

export type SettingsResult =
  { ok: true; settings: ScanSettings } | { ok: false; setting: string; problem: string };

export function readScanSettings(get: SettingGetter): SettingsResult {
  const k = get('k') ?? SETTING_DEFAULTS.k;
  if (!isIntegerIn(k, 2, 200))
    return {
      ok: false,
      setting: 'margin.k',
      problem: `must be an integer from 2 to 200, got ${JSON.stringify(k)}`,
    };
  const batchSize = get('batchSize') ?? SETTING_DEFAULTS.batchSize;
  if (!isIntegerIn(batchSize, 1, 8192)) {
    return {
      ok: false,
      setting: 'margin.batchSize',
      problem: `must be an integer from 1 to 8192, got ${JSON.stringify(batchSize)}`,
    };
  }
  const dataPath = get('dataPath') ?? '';
  const modelPath = get('modelPath') ?? '';
  if (typeof dataPath !== 'string')
    return { ok: false, setting: 'margin.dataPath', problem: 'must be a string' };
  if (typeof modelPath !== 'string')
    return { ok: false, setting: 'margin.modelPath', problem: 'must be a string' };
  return { ok: true, settings: { k, batchSize, dataPath: dataPath.trim(), modelPath: modelPath.trim() } };
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
