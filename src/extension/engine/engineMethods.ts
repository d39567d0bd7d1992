/**
 * The client's typed view of the engine's JSON-RPC methods. Built here from the
 * names in src/protocol/engine.ts rather than imported from src/engine/, so the
 * extension bundle never pulls in engine code.
 */
import { NotificationType, RequestType } from 'vscode-jsonrpc/node';
import {
  ENGINE_METHODS,
  type CancelParams,
  type InputErrorData,
  type LogParams,
  type ProgressParams,
  type ScanRequestParams,
  type ScanResult,
} from '../../protocol/engine';

export const scanRequest = new RequestType<ScanRequestParams, ScanResult, InputErrorData | undefined>(
  ENGINE_METHODS.scan,
);
export const cancelRequest = new RequestType<CancelParams, boolean, void>(ENGINE_METHODS.cancel);
export const progressNotification = new NotificationType<ProgressParams>(ENGINE_METHODS.progress);
export const logNotification = new NotificationType<LogParams>(ENGINE_METHODS.log);
