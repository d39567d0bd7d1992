/**
 * The CLI's result for a scan, run in a separate process without cache: the
 * independent reference both e2e parts compare the extension's results with.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ScanResult } from '../../src/protocol/engine';

/**
 * Runs `margin scan <args> --no-cache` in a child process and returns its JSON.
 * Asynchronous, so that inside the extension host the host keeps serving.
 */
export async function cliScanWith(cliPath: string, args: string[], outDir: string): Promise<ScanResult> {
  const out = join(outDir, 'cli.json');
  try {
    await promisify(execFile)(
      process.execPath,
      [cliPath, 'scan', ...args, '--no-cache', '--out', out, '--quiet'],
      {
        cwd: outDir,
        timeout: 600_000,
        // In desktop VS Code the extension host's execPath is Electron: ask it to act as Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      },
    );
  } catch (error) {
    assert.fail(`CLI failed:\n${(error as { stderr?: string }).stderr ?? error}`);
  }
  return JSON.parse(readFileSync(out, 'utf8')) as ScanResult;
}

/** The labels scan of an image folder with a model. */
export function cliScan(cliPath: string, data: string, model: string, outDir: string): Promise<ScanResult> {
  return cliScanWith(cliPath, ['--task', 'labels', '--data', data, '--model', model], outDir);
}

/**
 * What each scan command of the extension runs on the example workspace, as
 * command arguments and as the CLI arguments that must give the same result
 * (the extension's defaults: prototypeCount 50, labelBatchSize 100).
 */
export interface ExampleScan {
  command: string;
  task: string;
  title: string;
  args: { data: string; model: string; reference?: string };
  cli: string[];
}

export function exampleScans(workspace: string): ExampleScan[] {
  const at = (path: string) => join(workspace, path);
  const model = at('model.onnx');
  return [
    {
      command: 'margin.findBoundarySamples',
      task: 'boundary',
      title: 'Boundary samples',
      args: { data: 'images', model: 'model.onnx' },
      cli: ['--task', 'boundary', '--data', at('images'), '--model', model],
    },
    {
      command: 'margin.detectAdversarial',
      task: 'adversarial',
      title: 'Adversarial inputs',
      args: { data: 'adversarial/inputs.csv', reference: 'images', model: 'model.onnx' },
      cli: [
        '--task',
        'adversarial',
        '--data',
        at('adversarial/inputs.csv'),
        '--reference',
        at('images'),
        '--model',
        model,
      ],
    },
    {
      command: 'margin.findPrototypes',
      task: 'prototypes',
      title: 'Prototypes and criticisms',
      args: { data: 'images', model: 'model.onnx' },
      cli: ['--task', 'prototypes', '--data', at('images'), '--model', model, '--count', '50'],
    },
    {
      command: 'margin.suggestSamplesToLabel',
      task: 'acquire',
      title: 'Samples to label next',
      args: { data: 'to-label.csv', model: 'model.onnx' },
      cli: ['--task', 'acquire', '--data', at('to-label.csv'), '--model', model, '--count', '100'],
    },
  ];
}
