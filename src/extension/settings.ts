/**
 * The `margin.*` settings, read through a getter so the validation is pure.
 * The manifest's min/max only constrain the Settings UI; settings.json can hold
 * anything, so values are checked here and a bad one is named to the user.
 */
export interface ScanSettings {
  /** Neighbours per sample; undefined: each task's own default (20; 30 for boundary samples). */
  k?: number;
  batchSize: number;
  dataPath: string;
  modelPath: string;
  /** The clean, labelled reference set (adversarial: required; boundary: optional). */
  referencePath: string;
  /** Find Label Issues' scorer: `auto` (calibration's choice for the data and model, else the default) or a name. */
  scorer: string;
  /** Prototypes and criticisms listed by Find Prototypes and Criticisms. */
  prototypeCount: number;
  /** The batch Suggest Samples to Label marks. */
  labelBatchSize: number;
  /** Standardise a tabular CSV's numeric columns before the graph (scans without a model). */
  standardizeFeatures: boolean;
}

export const SETTING_DEFAULTS: ScanSettings = {
  batchSize: 256,
  dataPath: '',
  modelPath: '',
  referencePath: '',
  scorer: 'auto',
  prototypeCount: 50,
  labelBatchSize: 100,
  standardizeFeatures: true,
};

export type SettingGetter = (key: keyof ScanSettings) => unknown;

export type SettingsResult =
  { ok: true; settings: ScanSettings } | { ok: false; setting: string; problem: string };

type Check = { ok: true; value: unknown } | { ok: false; problem: string };

const integerIn =
  (min: number, max: number) =>
  (value: unknown): Check =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? { ok: true, value }
      : { ok: false, problem: `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}` };

const path = (value: unknown): Check =>
  typeof value === 'string' ? { ok: true, value: value.trim() } : { ok: false, problem: 'must be a string' };

/** How each setting is checked; `null` or absent means its default. */
const CHECKS: Record<keyof ScanSettings, (value: unknown) => Check> = {
  k: integerIn(2, 200),
  batchSize: integerIn(1, 8192),
  dataPath: path,
  modelPath: path,
  referencePath: path,
  scorer: (value) =>
    typeof value === 'string' && value.trim()
      ? { ok: true, value: value.trim() }
      : { ok: false, problem: `must be "auto" or the name of a scorer, got ${JSON.stringify(value)}` },
  prototypeCount: integerIn(1, 10000),
  labelBatchSize: integerIn(1, 100000),
  standardizeFeatures: (value) =>
    typeof value === 'boolean' ? { ok: true, value } : { ok: false, problem: `must be true or false, got ${JSON.stringify(value)}` },
};

export function readScanSettings(get: SettingGetter): SettingsResult {
  const settings: Record<string, unknown> = { ...SETTING_DEFAULTS };
  for (const key of Object.keys(CHECKS) as (keyof ScanSettings)[]) {
    const value = get(key);
    if (value === undefined || value === null) continue;
    const checked = CHECKS[key](value);
    if (!checked.ok) return { ok: false, setting: `margin.${key}`, problem: checked.problem };
    settings[key] = checked.value;
  }
  return { ok: true, settings: settings as unknown as ScanSettings };
}
