/** The typed handle a webview gets from VS Code (callable once per document). */
import type { WebviewToHost } from '../../src/protocol/webview';

export interface VsCodeApi<State> {
  postMessage(message: WebviewToHost): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown>;

export function getVsCodeApi<State>(): VsCodeApi<State> {
  return acquireVsCodeApi() as VsCodeApi<State>;
}
