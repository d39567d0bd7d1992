/**
 * MARGIN: Rescan Without Cache. Runs a task again with `noCache` (the engine
 * neither reads nor writes `.margin/`): the side panel's task node says which
 * task; else the task run last in this window, on the same dataset, reference
 * and model; else the user picks one.
 */
import * as vscode from 'vscode';
import type { ScanResult } from '../../protocol/engine';
import type { ExtensionServices } from './services';
import { TASK_COMMANDS, runTaskCommand, type TaskCommand } from './taskCommands';

export const RESCAN_WITHOUT_CACHE_COMMAND = 'margin.rescanWithoutCache';

export async function runRescanWithoutCache(
  services: ExtensionServices,
  arg?: unknown,
): Promise<ScanResult | undefined> {
  const named = taskOf(arg);
  const latest = named
    ? services.results.get(named)
    : services.results.all().sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime())[0];
  const task = named ?? latest?.result.task ?? (await pickTask());
  const spec = TASK_COMMANDS.find((candidate) => candidate.task === task);
  if (!spec) return undefined;
  const last = latest?.result;
  // Same inputs as the last run; without one, the task command finds them as usual.
  const inputs = last
    ? {
        data: last.dataset.source,
        ...(last.params.model ? { model: last.params.model } : {}),
        ...(last.reference ? { reference: last.reference.source } : {}),
      }
    : undefined;
  return runTaskCommand(services, spec, inputs, { noCache: true });
}

function taskOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg === null || typeof arg !== 'object') return undefined;
  const { task } = arg as Record<string, unknown>;
  return typeof task === 'string' ? task : undefined;
}

async function pickTask(): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    TASK_COMMANDS.map((spec: TaskCommand) => ({
      label: capitalize(spec.progress.replace(/^MARGIN: /, '')),
      description: spec.command,
      task: spec.task,
    })),
    { title: 'MARGIN: rescan without cache', placeHolder: 'Which task to run again, reading no cache?' },
  );
  return picked?.task;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
