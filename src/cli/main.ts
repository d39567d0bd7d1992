/**
 * `margin`: the command line, on the same engine code the extension runs,
 * in process. Exit 0 on success, 2 on bad arguments or bad input (one clear
 * line on stderr), 130 when interrupted, 1 on an internal error.
 */
import { classifyFailure } from '../engine/errors';
import { runExplain, type ExplainOutcome } from '../engine/explain';
import { runScan } from '../engine/scan';
import { formatOf, writeResult } from '../engine/resultFiles';
import { parseCommandLine, USAGE, type ExplainCommand, type ScanCommand } from './args';
import { runCalibrateCommand } from './calibrate';
import { errorLine } from './errorLine';
import { stderrContext } from './progress';
import { formatTopTable } from './table';

async function scan(command: ScanCommand): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const context = stderrContext(command.quiet, controller.signal);
  const result = await runScan(command.params, context).finally(() => context.finish());
  for (const path of command.outputs) await writeResult(path, result, formatOf(path, command.format));
  if (command.top > 0) {
    const shown = Math.min(command.top, result.samples.length);
    process.stdout.write(
      `${result.title}: top ${shown} of ${result.samples.length} (scorer ${result.scorer}; ${result.skipped.length} skipped):\n`,
    );
    process.stdout.write(formatTopTable(result, command.top) + '\n');
  }
  for (const skip of result.skipped) process.stderr.write(`skipped ${skip.file}: ${skip.problem}\n`);
  for (const notice of result.notices ?? []) process.stderr.write(`note: ${notice}\n`);
  if (command.outputs.length && !command.quiet) process.stderr.write(`wrote ${command.outputs.join(', ')}\n`);
}

async function explain(command: ExplainCommand): Promise<void> {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const context = stderrContext(command.quiet, controller.signal);
  const result = await runExplain(command.params, context).finally(() => context.finish());
  process.stdout.write(explainSummary(result) + '\n');
  // What reading the input took (resized, converted): said even with --quiet, as a scan does.
  for (const notice of result.notices ?? []) process.stderr.write(`note: ${notice}\n`);
  if (result.written.length && !command.quiet)
    process.stderr.write(`wrote ${command.params.out!.join(', ')}\n`);
}

/** One line: method, target, prediction with its probability, time; with --metrics a second line of the three figures. */
function explainSummary(result: ExplainOutcome): string {
  const name = (index: number, label?: string) =>
    label === undefined ? `class ${index}` : `${label} (${index})`;
  const probability = (index: number) => result.probabilities[index].toFixed(3);
  const line =
    `${result.method}: target ${name(result.target, result.targetLabel)} p=${probability(result.target)}; ` +
    `predicted ${name(result.predicted, result.predictedLabel)} p=${probability(result.predicted)}; ` +
    (result.forwardPrecision === 'float64' ? 'forward pass in float64; ' : '') +
    `${result.seconds.toFixed(2)} s`;
  if (!result.metrics) return line;
  const { deletionAuc, insertionAuc, sparsity } = result.metrics;
  return (
    `${line}\n` +
    `faithfulness: deletion AUC ${deletionAuc.toFixed(4)} (lower is better); ` +
    `insertion AUC ${insertionAuc.toFixed(4)} (higher is better); sparsity (Gini) ${sparsity.toFixed(4)}`
  );
}

async function main(argv: string[]): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    if (command.command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (command.command === 'explain') await explain(command);
    else if (command.command === 'calibrate') await runCalibrateCommand(command.args);
    else await scan(command);
    return 0;
  } catch (error) {
    const failure = classifyFailure(error);
    process.stderr.write(errorLine(failure) + '\n');
    return failure.exitCode;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
