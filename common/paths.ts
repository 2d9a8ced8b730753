// Files that ship beside the code (the bin, the benchmark scripts) are found from the package root,
// not from this file: the same module runs from the sources (common/) and from the build
// (dist/common/), one folder deeper.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin', 'syncgrad.mjs'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no syncgrad package root above ${from}`);
  }
}

/** The folder holding package.json and bin/syncgrad.mjs. */
export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** The syncgrad CLI, for child processes (workers, a supervised coordinator). */
export const SYNCGRAD_BIN = join(PACKAGE_ROOT, 'bin', 'syncgrad.mjs');
