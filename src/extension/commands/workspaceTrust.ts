/**
 * Restricted Mode: in a folder the user has not trusted, MARGIN loads no ONNX
 * model and reads no `.margin/` cache (a model and a cache are files from the
 * folder's author, parsed by native code). Commands that would do either stop
 * here and say why, with a way to trust the folder. No vscode import: the
 * window is a port, so the gate is testable (the e2e host cannot untrust).
 */

export const MANAGE_TRUST = 'Manage Workspace Trust';
/** VS Code's own command behind the Restricted Mode badge. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

export interface TrustPort {
  isTrusted(): boolean;
  warn(message: string, ...actions: string[]): Thenable<string | undefined> | Promise<string | undefined>;
  executeCommand(command: string): Thenable<unknown> | Promise<unknown>;
}

/** `action` in the -ing form, e.g. "finding label issues". */
export function untrustedMessage(action: string): string {
  return (
    `MARGIN: ${action} is off in Restricted Mode. MARGIN loads no model and reads no .margin/ cache ` +
    `until you trust this folder, because both come from the folder's author.`
  );
}

/**
 * True when the workspace is trusted. Otherwise warns (the user may open the
 * trust editor from the message) and answers false without waiting for them.
 */
export function requireTrust(action: string, port: TrustPort): boolean {
  if (port.isTrusted()) return true;
  void Promise.resolve(port.warn(untrustedMessage(action), MANAGE_TRUST)).then((picked) => {
    if (picked === MANAGE_TRUST) return port.executeCommand(MANAGE_TRUST_COMMAND);
    return undefined;
  });
  return false;
}
