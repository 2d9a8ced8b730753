#!/usr/bin/env node
// `npm test`: type-check, then run every test/**/*.test.ts with node's built-in runner through tsx.
// Node 20's --test does not expand globs itself, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupTestEnv } from './setup-test-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = findTests(join(root, 'test')).map((f) => relative(root, f));
if (filter.length > 0) files = files.filter((f) => filter.some((pat) => f.includes(pat)));
if (files.length === 0) {
  console.error(`no test files match ${filter.join(' ')}`);
  process.exit(1);
}

// The build first: child processes (workers, a supervised coordinator) run bin/syncgrad.mjs, which
// runs dist/, so dist/ must be the sources under test. Then, for a whole run, the type-check of
// everything (tests and scripts too).
const tsc = (args, what) => {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what} failed`);
    process.exit(r.status ?? 1);
  }
};
tsc(['-p', 'tsconfig.build.json'], 'build');
if (filter.length === 0) tsc(['--noEmit', '-p', 'tsconfig.json'], 'type-check');

// Real servers for the integration tests: nats-server / Docker (and Prometheus) installed and
// started as needed. A failure here (CI without Docker) fails the run before any test.
let setupEnv = {};
try {
  const { mode, notes, env } = await setupTestEnv();
  for (const n of notes) console.error(`setup: ${n}`);
  console.error(`setup: NATS integration tests run in ${mode} mode`);
  setupEnv = env;
} catch (e) {
  console.error(`setup: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

console.error(`tests: node ${process.version}`);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...setupEnv, SYNCGRAD_TEST: '1' },
});
process.exit(run.status ?? 1);
