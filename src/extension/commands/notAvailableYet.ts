/** Commands whose engine task has not landed yet: they say so plainly and show no results. */
import * as vscode from 'vscode';

export const PENDING_COMMANDS = {
  'margin.findBoundarySamples': 'Finding boundary samples (samples near the decision surface)',
  'margin.detectAdversarial': 'Detecting adversarial inputs',
  'margin.findPrototypes': 'Finding prototypes and criticisms',
  'margin.explainPrediction': 'Explaining a prediction with saliency maps',
} as const;

export type PendingCommand = keyof typeof PENDING_COMMANDS;

export function notAvailableYet(command: PendingCommand): void {
  void vscode.window.showInformationMessage(
    `MARGIN: ${PENDING_COMMANDS[command]} is not available yet in this version. "MARGIN: Find Label Issues" is.`,
  );
}
