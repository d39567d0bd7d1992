// Checks that a .vsix holds only its platform's native binaries: every .node,
// .so, .dylib and .dll sits in a folder of that platform (targets.mjs), the
// binaries the extension loads are all there, and each one's header names the
// platform's format and CPU (ELF x86-64, Mach-O arm64, PE x64), read from the
// bytes rather than from the path. Usage: node scripts/package/checkVsix.mjs <target> <file.vsix>
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { NATIVE_FILE, expectedBinaries, targetNamed } from './targets.mjs';

const ELF_MACHINE = { 0x3e: 'x64', 0xb7: 'arm64' };
const MACHO_CPU = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINE = { 0x8664: 'x64', 0xaa64: 'arm64', 0x014c: 'ia32' };

/** 'elf-x64', 'macho-arm64', 'macho-arm64+x64' (universal), 'pe-x64', … or 'unknown'. */
export function binaryFormat(bytes) {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46)
    return `elf-${ELF_MACHINE[bytes.readUInt16LE(18)] ?? '?'}`;
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf)
    return `macho-${MACHO_CPU[bytes.readUInt32LE(4)] ?? '?'}`;
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xcafebabe) {
    const count = bytes.readUInt32BE(4);
    const cpus = [];
    for (let slice = 0; slice < count; slice++)
      cpus.push(MACHO_CPU[bytes.readUInt32BE(8 + 20 * slice)] ?? '?');
    return `macho-${cpus.sort().join('+')}`;
  }
  if (bytes.length >= 64 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const header = bytes.readUInt32LE(0x3c);
    if (bytes.toString('latin1', header, header + 4) === 'PE\0\0')
      return `pe-${PE_MACHINE[bytes.readUInt16LE(header + 4)] ?? '?'}`;
  }
  return 'unknown';
}

/** The format `expected` (e.g. 'macho-arm64') is met by `found`; a universal Mach-O must hold that CPU. */
function formatFits(found, expected) {
  const [kind, cpu] = expected.split('-');
  const [foundKind, foundCpus] = found.split('-');
  return kind === foundKind && foundCpus.split('+').includes(cpu);
}

/** Returns { natives: [{ entry, format, size }], problems: [] } for `vsix` built for `targetName`. */
export function checkVsix(targetName, vsix) {
  const target = targetNamed(targetName);
  const { allowedFolders, required } = expectedBinaries(target);
  const listing = execFileSync('unzip', ['-Z', '-l', vsix], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const entries = listing
    .split('\n')
    .map((line) => line.match(/^\S+\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\S+\s+(.+)$/))
    .filter(Boolean)
    .map(([, size, entry]) => ({ entry, size: Number(size) }));
  const problems = [];
  const natives = [];
  for (const { entry, size } of entries) {
    if (!NATIVE_FILE.test(entry)) continue;
    const inExtension = entry.replace(/^extension\//, '');
    if (!allowedFolders.some((folder) => inExtension.startsWith(folder)))
      problems.push(`${entry}: a native binary outside ${targetName}'s folders`);
    const bytes = execFileSync('unzip', ['-p', vsix, entry], { maxBuffer: 256 << 20 });
    const format = binaryFormat(bytes);
    if (!formatFits(format, target.format)) problems.push(`${entry}: ${format}, not ${target.format}`);
    natives.push({ entry, format, size });
  }
  for (const file of required)
    if (!entries.some(({ entry }) => entry === `extension/${file}`)) problems.push(`missing ${file}`);
  const manifest = execFileSync('unzip', ['-p', vsix, 'extension.vsixmanifest'], { encoding: 'utf8' });
  if (!manifest.includes(`TargetPlatform="${targetName}"`))
    problems.push(`extension.vsixmanifest does not name TargetPlatform="${targetName}"`);
  return { natives, entries: entries.length, problems };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [targetName, vsix] = process.argv.slice(2);
  if (!targetName || !vsix) {
    console.error('usage: node scripts/package/checkVsix.mjs <target> <file.vsix>');
    process.exit(2);
  }
  const { natives, problems } = checkVsix(targetName, vsix);
  for (const { entry, format, size } of natives)
    console.log(`  ${format.padEnd(16)} ${String(size).padStart(10)}  ${entry}`);
  for (const problem of problems) console.error(`  ✗ ${problem}`);
  console.log(
    problems.length === 0 ? `${vsix}: only ${targetName} binaries` : `${vsix}: ${problems.length} problem(s)`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
