/**
 * Ending every process a run started. code-server forks an extension host, which
 * forks the MARGIN engine; a left-over extension host waits hours for a browser
 * to reconnect. So code-server is started as the leader of its own session, and
 * stopping it signals every process still in that session (also those that moved
 * to another process group), not only the one we spawned.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Ids of the live processes whose session id is `sessionId`. */
export function processesInSession(sessionId: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the command name (which may hold spaces and parentheses):
    // state ppid pgrp session ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[3]) === sessionId) found.push(Number(entry));
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * SIGTERM to the session's group and members, then SIGKILL to whatever is left
 * after `graceMs`. Resolves when no process of the session remains.
 */
export async function killSession(sessionId: number, graceMs = 3000): Promise<void> {
  signal(-sessionId, 'SIGTERM');
  for (const pid of processesInSession(sessionId)) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processesInSession(sessionId).length > 0 && Date.now() < deadline) await sleep(100);
  signal(-sessionId, 'SIGKILL');
  for (const pid of processesInSession(sessionId)) signal(pid, 'SIGKILL');
  while (processesInSession(sessionId).length > 0) await sleep(50);
}

/** Same, synchronous and SIGKILL only: for process 'exit' handlers, which cannot wait. */
export function killSessionNow(sessionId: number): void {
  signal(-sessionId, 'SIGKILL');
  for (const pid of processesInSession(sessionId)) signal(pid, 'SIGKILL');
}

/**
 * Ids of live processes whose command line mentions `path`. Used with the
 * run's private work folder, which only processes this run started refer to:
 * Chromium's helpers (its crash handler starts its own session) carry the
 * profile and crash-database paths we gave them.
 */
export function processesMentioning(path: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(path)) found.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return found;
}

/** SIGKILL to every process that still mentions `path`; returns how many there were. */
export async function killProcessesMentioning(path: string): Promise<number> {
  const left = processesMentioning(path);
  for (const pid of left) signal(pid, 'SIGKILL');
  while (processesMentioning(path).length > 0) await sleep(50);
  return left.length;
}
