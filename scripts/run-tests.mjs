#!/usr/bin/env node
// `npm test`: type-check, then run every test/**/*.test.ts with node's built-in runner through tsx.
// Node 20's --test does not expand globs itself, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// The library API's declarations, which the package test's consumer type-checks against.
tsc(['-p', 'tsconfig.types.json'], 'declarations');
if (spawnSync(process.execPath, [join(root, 'scripts/copy-types.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);
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

// The suite computes on native TensorFlow, the product's default, which npm ci sets up (syncgrad
// setup --if-needed). Where it is missing the suite runs on wasm and says so; CI refuses that, so a
// green CI run always means native TensorFlow was built on that machine by the project's own steps.
const { probeNative } = await import(new URL('../dist/common/setup/facts.js', import.meta.url).href);
let testBackend = process.env.SYNCGRAD_TEST_BACKEND;
if (!testBackend) {
  const native = await probeNative(root);
  if (native.ok) {
    testBackend = 'tensorflow';
    console.error(`setup: tests compute on native TensorFlow ${native.tensorflowVersion} (${native.libraryPath})`);
  } else if (process.env.CI === 'true') {
    console.error(`setup: native TensorFlow is not set up (${native.reason}); CI requires it (npm ci runs \`syncgrad setup --if-needed\`)`);
    process.exit(1);
  } else {
    testBackend = 'wasm';
    console.error(`setup: native TensorFlow is not set up (${native.reason}); tests compute on wasm`);
  }
}

// Every test process gets a temp dir of this run's own: nothing another job leaves in /tmp counts.
const runTmp = mkdtempSync(join(tmpdir(), 'syncgrad-tests-'));
console.error(`tests: node ${process.version}, backend ${testBackend}, temp dir ${runTmp}`);
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...setupEnv, SYNCGRAD_TEST: '1', SYNCGRAD_TEST_BACKEND: testBackend, TMPDIR: runTmp },
});
rmSync(runTmp, { recursive: true, force: true });
process.exit(run.status ?? 1);
