/**
 * Quality evaluations on held-out data: each task's scorers and baselines side
 * by side, written into docs/results.md (one section per task; a run of one
 * task replaces that section only).
 *
 *   npx tsx bench/eval/run.ts [--task boundary|adversarial|prototypes|acquire]...
 *
 * Needs Debian's dataset-fashion-mnist (and, for adversarial, the attacks made
 * by `scripts/make-adversarial-fixtures.py --eval` with python3-torch).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './fashionMnist';

/**
 * A task's evaluation lives in bench/eval/tasks/<task>.ts and exports
 * `evaluate(): Promise<string>`: its section of docs/results.md (markdown,
 * starting with a `## ` heading).
 */
const TASKS_FOLDER = join(__dirname, 'tasks');
const knownTasks = () =>
  readdirSync(TASKS_FOLDER)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => name.slice(0, -3))
    .sort();

async function loadEvaluation(task: string): Promise<() => Promise<string>> {
  if (!knownTasks().includes(task))
    throw new Error(`no evaluation for "${task}" (known: ${knownTasks().join(', ')})`);
  const module = (await import(join(TASKS_FOLDER, `${task}.ts`))) as { evaluate: () => Promise<string> };
  return module.evaluate;
}

const RESULTS = join(repoRoot, 'docs', 'results.md');
const HEADER = `# Results

Every figure on this page is measured on held-out data (data the model was not
trained on), with every scorer and baseline side by side, by \`bench/eval/\`:
\`npx tsx bench/eval/run.ts [--task NAME]\` rewrites the sections it runs. The
default scorer of each task is the one that measures best here, whether or not
it is the paper's.
`;

function sectionMarkers(task: string): [string, string] {
  return [`<!-- results:${task} -->`, `<!-- /results:${task} -->`];
}

function replaceSection(document: string, task: string, body: string): string {
  const [open, close] = sectionMarkers(task);
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = document.indexOf(open);
  const end = document.indexOf(close);
  if (start >= 0 && end > start) return document.slice(0, start) + block + document.slice(end + close.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { task: { type: 'string', multiple: true } } });
  const tasks = values.task ?? knownTasks();
  for (const task of tasks) {
    const evaluate = await loadEvaluation(task);
    const started = performance.now();
    console.error(`eval: ${task}…`);
    const section = await evaluate();
    console.error(`eval: ${task} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(section.trim() + '\n\n');
    // Read again: another evaluation may have written its section meanwhile.
    const latest = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : HEADER;
    writeFileSync(RESULTS, replaceSection(latest, task, section));
  }
}

void main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
