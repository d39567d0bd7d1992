/**
 * A VS Code workbench in headless Chromium, served by a fresh code-server, with
 * the extension under test loaded unpacked (extensionDevelopmentPath) or
 * installed from a .vsix, and, optionally, an in-host test suite (extensionTestsPath).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { installExtension, startCodeServer, type CodeServer } from './codeServer';
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
  /**
   * A .vsix to install (code-server --install-extension) into a fresh extensions
   * folder instead of loading the clone unpacked. The folder lies outside the
   * clone, so the installed extension cannot find the clone's node_modules.
   */
  vsix?: string;
}

export interface AutomationExit {
  code: number;
  logs: { relativePath: string; contents: string }[];
}

export interface Session {
  page: Page;
  server: CodeServer;
  work: WorkFolder;
  /** The folder code-server unpacked the .vsix into (sessions opened with `vsix` only). */
  installedExtension?: string;
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
  /** The unpacked extension to load; null loads none (the installed ones only). */
  developmentPath: string | null = extensionPath,
): string {
  // The workbench resolves these paths on the server side, so they must be vscode-remote URIs.
  const remote = (path: string) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload: [string, string][] = [];
  if (developmentPath) payload.push(['extensionDevelopmentPath', remote(developmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const folder = `${origin}/?folder=${encodeURIComponent(workspace)}`;
  // Nothing to load unpacked (a .vsix session): no payload, so the workbench is a plain one.
  return payload.length > 0 ? `${folder}&payload=${encodeURIComponent(JSON.stringify(payload))}` : folder;
}

export async function openSession(options: SessionOptions): Promise<Session> {
  let work = await prepareWorkFolder();
  await mkdir(artifactsDir, { recursive: true });
  const artifact = (file: string) => join(artifactsDir, `${options.name}-${file}`);

  let installedExtension: string | undefined;
  if (options.vsix) {
    // Outside the clone (os.tmpdir(), read before TMPDIR points into the profile below).
    const extensionsDir = await mkdtemp(join(tmpdir(), 'margin-e2e-extensions-'));
    onCleanup(() => rm(extensionsDir, { recursive: true, force: true }));
    work = { ...work, extensionsDir };
    installedExtension = await installExtension(
      codeServerInstallDir(),
      options.vsix,
      extensionsDir,
      artifact('install-extension.log'),
    );
  }

  const server = await startCodeServer(codeServerInstallDir(), work, artifact('code-server.log'));
  const stopServer = onCleanup(() => server.stop());
  // Last safety net, registered first so it runs last: anything still naming the profile folder
  // (or the installed extension's folder, where a .vsix session's engine runs from).
  const sweep = async () => {
    let killed = await killProcessesMentioning(work.profile);
    if (installedExtension) killed += await killProcessesMentioning(installedExtension);
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

  const developmentPath = options.vsix ? null : extensionPath;
  const url = workbenchUrl(
    server.origin,
    server.port,
    work.workspace,
    options.extensionTestsPath,
    developmentPath,
  );
  await page.goto(url, {
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
  return { page, server, work, installedExtension, automationExit, screenshot, close };
}

/** Resolves when the workbench has rendered its main parts. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
}
