// The npm packages one platform's extension needs at run time, read from
// package-lock.json: the externals of the esbuild bundle and everything they
// depend on, resolved the way npm nests node_modules. Optional dependencies are
// kept only when their os/cpu/libc fit the target, which is npm's own rule; that
// is how sharp's per-platform binary packages are chosen.

/** Finds the lock path (e.g. node_modules/a/node_modules/b) that `name` resolves to from `from`. */
function resolveInLock(lock, from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at >= 0 ? base.slice(0, at) : '';
  }
}

function fits(entry, target) {
  const allows = (list, value) =>
    !list ||
    (list.some((item) => !item.startsWith('!')) ? list.includes(value) : !list.includes(`!${value}`));
  return (
    allows(entry.os, target.os) &&
    allows(entry.cpu, target.cpu) &&
    (!target.libc || allows(entry.libc, target.libc))
  );
}

/**
 * Lock paths of every package to ship for `target`, starting from `roots`.
 * Each entry: { path, name, version, integrity }.
 */
export function runtimePackages(lock, roots, target) {
  const found = new Map();
  const queue = roots.map((name) => {
    const path = resolveInLock(lock, '', name);
    if (!path) throw new Error(`${name} is not in package-lock.json`);
    return path;
  });
  while (queue.length > 0) {
    const path = queue.shift();
    if (found.has(path)) continue;
    const entry = lock.packages[path];
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    found.set(path, { path, name, version: entry.version, integrity: entry.integrity });
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}).map((dep) => [dep, false]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((dep) => [dep, true]),
    ];
    for (const [dep, optional] of wanted) {
      const depPath = resolveInLock(lock, path, dep);
      if (!depPath) {
        if (optional) continue;
        throw new Error(`${name} needs ${dep}, which package-lock.json does not hold`);
      }
      if (optional && !fits(lock.packages[depPath], target)) continue;
      queue.push(depPath);
    }
  }
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
