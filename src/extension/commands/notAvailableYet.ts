/**
 * Commands whose feature has not landed yet: they say so plainly and show no
 * results. None is pending now (Explain Prediction landed with the saliency
 * panel); the mechanism stays for the next feature declared before it ships.
 */
import * as vscode from 'vscode';

export const PENDING_COMMANDS: Readonly<Record<string, string>> = {};

export type PendingCommand = keyof typeof PENDING_COMMANDS;

/** Shows the notice and returns its text (the command's result, which the in-host tests read). */
export function notAvailableYet(command: PendingCommand): string {
  const message = `MARGIN: ${PENDING_COMMANDS[command]} is not available yet in this version. The scan commands (labels, boundary, adversarial, prototypes, samples to label) are.`;
  void vscode.window.showInformationMessage(message);
  return message;
}
