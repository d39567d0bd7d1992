/**
 * The manifest's commands exist in a real VS Code. (No command is pending any
 * more: Explain Prediction, the last one, has its own tests in saliency.test.ts.)
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activatedApi } from './extension';

const SCAN_COMMANDS = [
  'margin.findLabelIssues',
  'margin.findBoundarySamples',
  'margin.detectAdversarial',
  'margin.findPrototypes',
  'margin.suggestSamplesToLabel',
  'margin.explainPrediction',
];

describe('MARGIN commands', () => {
  before(async () => {
    await activatedApi();
  });

  it('registers the six commands of the manifest, in the MARGIN category', async () => {
    const { extension } = await activatedApi();
    const manifest = extension.packageJSON as {
      contributes: { commands: { command: string; category: string }[] };
    };
    const declared = manifest.contributes.commands.filter((entry) => SCAN_COMMANDS.includes(entry.command));
    assert.deepEqual(declared.map((entry) => entry.command).sort(), [...SCAN_COMMANDS].sort());
    assert.ok(declared.every((entry) => entry.category === 'MARGIN'));

    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of [...SCAN_COMMANDS, 'margin.showLog'])
      assert.ok(registered.has(command), `${command} is not registered`);
  });
});
