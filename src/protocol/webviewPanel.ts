/**
 * What every webview panel's protocol shares: the `ready` handshake and the
 * checks the type guards of each panel's protocol (resultsPanel.ts,
 * calibratePanel.ts) are built from. A message that crosses postMessage is
 * `unknown` until a guard says otherwise.
 */

/** The webview listens: the host may post (again, after VS Code recreated a hidden webview). */
export interface ReadyMessage {
  type: 'ready';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object whose `type` is `type`; its other fields are still to be checked. */
export function hasType<T extends string>(
  value: unknown,
  type: T,
): value is { type: T } & Record<string, unknown> {
  return isRecord(value) && value.type === type;
}

export function isReadyMessage(value: unknown): value is ReadyMessage {
  return hasType(value, 'ready');
}

/** A whole number ≥ 0 (a sample index, a row). */
export function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
