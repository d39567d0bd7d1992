/** What `activate()` returns: a small API the in-host test suite reads. */
import type { CalibrationPayload } from '../protocol/calibratePanel';
import type { ResultsPayload } from '../protocol/webview';
import type { SidePanelProvider } from './sidebar/sidePanelProvider';

export interface MarginLensApi {
  /** The payload last sent to a results panel (any task), or undefined before the first scan. */
  lastResults(): ResultsPayload | undefined;
  /** The payload last sent to the calibration panel, or undefined before the first calibration. */
  lastCalibration(): CalibrationPayload | undefined;
  /** The engine's recent log lines, oldest first: `[info|warn|error] message` or `[stderr] line`. */
  engineLog(): string[];
  /** The side panel's tree (view `margin.sidePanel`): the tests walk it with getChildren/getTreeItem. */
  sidePanel: SidePanelProvider;
}
