/** The workspace-trust gate (workspaceTrust.ts) on the real window. */
import * as vscode from 'vscode';
import { requireTrust, type TrustPort } from './workspaceTrust';

const windowTrustPort: TrustPort = {
  isTrusted: () => vscode.workspace.isTrusted,
  warn: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
  executeCommand: (command) => vscode.commands.executeCommand(command),
};

/** False (and the user told why) when the folder is not trusted. */
export function ensureTrusted(action: string): boolean {
  return requireTrust(action, windowTrustPort);
}
