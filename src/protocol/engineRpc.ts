/**
 * The engine's JSON-RPC methods as typed vscode-jsonrpc message types, shared by
 * the engine (server) and the extension (client), so both sides agree on the
 * names and the parameter and result types.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc/node';
import {
  ENGINE_METHODS,
  type CalibrateRequestParams,
  type CalibrationResult,
  type CancelParams,
  type ExplainRequestParams,
  type ExplainResult,
  type InputErrorData,
  type LogParams,
  type ProgressParams,
  type ScanRequestParams,
  type ScanResult,
} from './engine';

export const scanRequest = new RequestType<ScanRequestParams, ScanResult, InputErrorData | undefined>(
  ENGINE_METHODS.scan,
);
export const calibrateRequest = new RequestType<
  CalibrateRequestParams,
  CalibrationResult,
  InputErrorData | undefined
>(ENGINE_METHODS.calibrate);
export const explainRequest = new RequestType<ExplainRequestParams, ExplainResult, InputErrorData | undefined>(
  ENGINE_METHODS.explain,
);
export const cancelRequest = new RequestType<CancelParams, boolean, void>(ENGINE_METHODS.cancel);
export const progressNotification = new NotificationType<ProgressParams>(ENGINE_METHODS.progress);
export const logNotification = new NotificationType<LogParams>(ENGINE_METHODS.log);
