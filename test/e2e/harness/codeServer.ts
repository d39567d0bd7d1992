/** Starts code-server (VS Code 1.100.3 in a browser) on a free local port and stops it completely. */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killSession, killSessionNow } from './processes';
import type { WorkFolder } from './workFolder';

export interface CodeServer {
  port: number;
  origin: string;
  /** Process id of code-server, which is also its session and process-group id. */
  pid: number;
  /** Ends code-server and everything it started. Safe to call twice. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startCodeServer(
  installDir: string,
  work: WorkFolder,
  logFile: string,
): Promise<CodeServer> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const entry = join(installDir, 'node_modules/code-server/out/node/entry.js');
  const args = [
    entry,
    '--config',
    work.configFile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--extensions-dir',
    work.extensionsDir,
    '--user-data-dir',
    work.userDataDir,
    work.workspace,
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: work.xdgConfigHome,
    XDG_DATA_HOME: work.xdgDataHome,
    TMPDIR: work.tmpDir,
  };
  // Variables that would make the server or its extension host think they run inside another VS Code.
  for (const name of Object.keys(env))
    if (name.startsWith('VSCODE_') || name === 'NODE_OPTIONS') delete env[name];

  const log = createWriteStream(logFile);
  // detached: the child calls setsid(2), so it leads a new session and process
  // group that we can end as a whole.
  const child = spawn(process.execPath, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  await writeFile(work.pidFile, `${pid}\n`);
  // If this process dies without running `stop` (uncaught error, process.exit), still end the session.
  const onExit = () => killSessionNow(pid);
  process.on('exit', onExit);

  let exited: string | undefined;
  child.once(
    'exit',
    (code, signal) => (exited = `code-server exited (${signal ?? code}) before it was ready; see ${logFile}`),
  );

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killSession(pid);
    process.off('exit', onExit);
    log.end();
    await rm(work.pidFile, { force: true });
  };

  try {
    await waitForHealth(origin, () => exited, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, origin, pid, stop };
}

async function waitForHealth(
  origin: string,
  exited: () => string | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = exited();
    if (reason) throw new Error(reason);
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s`);
    await new Promise((done) => setTimeout(done, 200));
  }
}

/**
 * Installs `vsix` into `extensionsDir` the way a user does (`code-server
 * --install-extension`), and returns the folder it unpacked the extension into.
 */
export async function installExtension(
  installDir: string,
  vsix: string,
  extensionsDir: string,
  logFile: string,
): Promise<string> {
  const entry = join(installDir, 'node_modules/code-server/out/node/entry.js');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith('VSCODE_') || name === 'NODE_OPTIONS') delete env[name];
  const log = createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [entry, '--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const code = await new Promise<number | null>((done, failed) => {
    child.once('error', failed);
    child.once('exit', done);
  });
  log.end();
  if (code !== 0)
    throw new Error(`code-server --install-extension ${vsix} exited with ${code}; see ${logFile}`);
  const installed = (await readdir(extensionsDir, { withFileTypes: true })).filter((entry) =>
    entry.isDirectory(),
  );
  if (installed.length !== 1)
    throw new Error(
      `expected one extension in ${extensionsDir}, found: ${installed.map((e) => e.name).join(', ')}`,
    );
  return join(extensionsDir, installed[0].name);
}
