/**
 * The typed handle a webview gets from VS Code, and the webview's half of the
 * `ready` handshake (the host's half: src/extension/webviewHost/webviewChannel.ts).
 */
import type { ReadyMessage } from '../../src/protocol/webviewPanel';

export interface VsCodeApi<ToHost, State = unknown> {
  postMessage(message: ToHost): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

/** VS Code hands the API out once per document: call this once, at the start of the entry. */
export function getVsCodeApi<ToHost, State = unknown>(): VsCodeApi<ToHost, State> {
  return acquireVsCodeApi() as VsCodeApi<ToHost, State>;
}

/**
 * Hands the host's messages that pass the protocol's guard to `onMessage`
 * (others are dropped), then says `ready`: in that order, so the host's answer
 * cannot arrive before anyone listens.
 */
export function connectToHost<FromHost>(
  api: { postMessage(message: ReadyMessage): void },
  isMessage: (raw: unknown) => raw is FromHost,
  onMessage: (message: FromHost) => void,
): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isMessage(event.data)) onMessage(event.data);
  });
  api.postMessage({ type: 'ready' });
}
