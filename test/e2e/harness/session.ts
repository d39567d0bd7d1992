/**
 * A VS Code workbench in headless Chromium, served by a fresh code-server, with
 * the extension under test loaded unpacked (extensionDevelopmentPath) and,
 * optionally, an in-host test suite (extensionTestsPath).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startCodeServer, type CodeServer } from './codeServer';
import { killProcessesMentioning } from './processes';
import { onCleanup } from './part';
import { artifactsDir, chromiumPath, codeServerInstallDir, extensionPath } from './paths';
import { prepareWorkFolder, type WorkFolder } from './workFolder';

export interface SessionOptions {
  /** Prefix of this session's artifact files. */
  name: string;
  /** Absolute path of the compiled suite module whose `run()` the extension host calls. */
  extensionTestsPath?: string;
  /** Receives what the workbench logs for automation (the extension host's console output). */
  onAutomationLog?: (level: string, message: string) => void;
}

export interface AutomationExit {
  code: number;
  logs: { relativePath: string; contents: string }[];
}

export interface Session {
  page: Page;
  server: CodeServer;
  work: WorkFolder;
  /** Settles when the workbench calls `codeAutomationExit` (after the in-host suite's `run()` settles). */
  automationExit: Promise<AutomationExit>;
  /** Saves a full-page screenshot under artifacts/ and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser and ends code-server's whole session. Also runs at the end of the part. */
  close(): Promise<void>;
}

/** Chromium flags of REAL-VSCODE.md: headless, no sandbox (root in CI), nothing that phones home. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The workbench URL: `folder` opens the workspace, `payload` tells it how to load the extension. */
export function workbenchUrl(
  origin: string,
  port: number,
  workspace: string,
  extensionTestsPath?: string,
): string {
  // The workbench resolves these paths on the server side, so they must be vscode-remote URIs.
  const remote = (path: string) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload: [string, string][] = [['extensionDevelopmentPath', remote(extensionPath)]];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  return `${origin}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  const work = await prepareWorkFolder();
  await mkdir(artifactsDir, { recursive: true });
  const artifact = (file: string) => join(artifactsDir, `${options.name}-${file}`);

  const server = await startCodeServer(codeServerInstallDir(), work, artifact('code-server.log'));
  const stopServer = onCleanup(() => server.stop());
  // Last safety net, registered first so it runs last: anything still naming the profile folder.
  const sweep = async () => {
    const killed = await killProcessesMentioning(work.profile);
    if (killed > 0) console.error(`harness: killed ${killed} process(es) left over from this run`);
  };
  const unregisterSweep = onCleanup(sweep);

  let browser: Browser | undefined;
  const consoleLog = createWriteStream(artifact('browser-console.log'));
  const closeBrowser = async () => {
    const open = browser;
    browser = undefined;
    await open?.close().catch(() => undefined);
    consoleLog.end();
  };
  const unregisterBrowser = onCleanup(closeBrowser);

  // Playwright puts Chromium's throwaway profile in os.tmpdir(), which reads TMPDIR;
  // the crash handler's database goes under XDG_CONFIG_HOME. Both into the profile folder.
  process.env.TMPDIR = work.tmpDir;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    env: { ...process.env, XDG_CONFIG_HOME: work.xdgConfigHome, XDG_CACHE_HOME: join(work.tmpDir, 'cache') },
    timeout: 60_000,
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('console', (message) => consoleLog.write(`[${message.type()}] ${message.text()}\n`));
  page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.stack ?? error.message}\n`));

  let reportExit!: (exit: AutomationExit) => void;
  const automationExit = new Promise<AutomationExit>((resolve) => (reportExit = resolve));
  // Both must exist before the workbench script runs: it looks them up when it starts.
  await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
    const text = typeof message === 'string' ? message : JSON.stringify(message);
    consoleLog.write(`[automation:${level}] ${text}\n`);
    options.onAutomationLog?.(level, text);
  });
  await page.exposeFunction('codeAutomationExit', (code: number, logs?: AutomationExit['logs']) => {
    reportExit({ code, logs: Array.isArray(logs) ? logs : [] });
  });
  // The exit report carries the workbench's own log files: keep them for post-mortems.
  void automationExit.then(async ({ logs }) => {
    for (const { relativePath, contents } of logs) {
      const file = join(artifactsDir, `${options.name}-vscode-logs`, relativePath);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, contents);
    }
  });

  await page.goto(workbenchUrl(server.origin, server.port, work.workspace, options.extensionTestsPath), {
    waitUntil: 'domcontentloaded',
    timeout: 60_000,
  });

  const screenshot = async (name: string) => {
    const file = join(artifactsDir, name.endsWith('.png') ? name : `${options.name}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };
  const close = async () => {
    unregisterBrowser();
    stopServer();
    unregisterSweep();
    await closeBrowser();
    await server.stop();
    await sweep();
  };
  return { page, server, work, automationExit, screenshot, close };
}

/** Resolves when the workbench has rendered its main parts. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
}
