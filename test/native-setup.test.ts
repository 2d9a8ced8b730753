// `syncgrad setup`: the plan it makes, linking a cached library and binding into a tfjs-node
// package in seconds, and failures that say one line and leave a working install as it was. The
// wheel fetch itself runs in CI's `npm ci` on a fresh machine (scripts/run-tests.mjs refuses to go
// on there without the native backend it builds).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readlink, rm, writeFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BackendError, ConfigError } from '../common/errors.js';
import { bindingVersion, findTfjsNode } from '../common/setup/binding.js';
import { DEFAULT_TENSORFLOW_VERSION, defaultCacheDir, libraryDir, parseNativeSetupOptions, planNativeSetup, runNativeSetup } from '../common/setup/setup.js';
import { cudaRequirements, wheelStem } from '../common/setup/wheel.js';
import { PACKAGE_ROOT } from '../common/paths.js';
import { cli, tempDir, type TempDir } from './helpers/fixtures.js';

let tmp: TempDir;
/** A package root of its own whose node_modules holds only tfjs-node's package.json: what setup touches. */
let root: string;

before(async () => {
  tmp = await tempDir();
  root = join(tmp.path, 'app');
  const pkg = join(root, 'node_modules', '@tensorflow', 'tfjs-node');
  await mkdir(pkg, { recursive: true });
  await copyFile(join(findTfjsNode(PACKAGE_ROOT).dir, 'package.json'), join(pkg, 'package.json'));
  await writeFile(join(root, 'package.json'), '{"name":"app","private":true}\n');
});
after(async () => {
  await tmp?.[Symbol.asyncDispose]();
});

test("native setup - the CUDA runtime wheels come from the tensorflow wheel's and-cuda extra, in either metadata spelling", () => {
  const metadata = [
    'Metadata-Version: 2.1',
    'Name: tensorflow',
    'Requires-Dist: numpy<2.2.0,>=1.26.0',
    'Requires-Dist: nvidia-cublas-cu12<13.0,>=12.5.3.2; extra == "and-cuda"',
    "Requires-Dist: nvidia-cudnn-cu12 (<10.0,>=9.3.0.75) ; extra == 'and-cuda'",
    'Requires-Dist: nvidia-nccl-cu12<3.0,>=2.25.1; extra == "and-cuda"',
    'Requires-Dist: nvidia-nvjitlink-cu12; extra == "and-cuda"',
    'Requires-Dist: tensorrt; extra == "tensorrt"',
  ].join('\n');
  assert.deepEqual(cudaRequirements(metadata), [
    'nvidia-cublas-cu12<13.0,>=12.5.3.2',
    'nvidia-cudnn-cu12<10.0,>=9.3.0.75',
    'nvidia-nccl-cu12<3.0,>=2.25.1',
    'nvidia-nvjitlink-cu12',
  ]);
  assert.deepEqual(cudaRequirements('Name: tensorflow-cpu\nRequires-Dist: numpy'), []);
  assert.equal(wheelStem('tensorflow-cpu'), 'tensorflow_cpu');
});

test('native setup - options: cpu or gpu, a version like 2.21.0, the cache under XDG_CACHE_HOME unless SYNCGRAD_CACHE_DIR', () => {
  const o = parseNativeSetupOptions({ fromDir: root }, { HOME: '/home/u', XDG_CACHE_HOME: '/xdg' });
  assert.equal(o.variant, 'cpu');
  assert.equal(o.tensorflowVersion, DEFAULT_TENSORFLOW_VERSION);
  assert.equal(o.cacheDir, '/xdg/syncgrad');
  assert.equal(o.python, 'python3');
  assert.equal(libraryDir(o), '/xdg/syncgrad/tensorflow/cpu-2.21.0');
  assert.equal(defaultCacheDir({ SYNCGRAD_CACHE_DIR: '/c' }), '/c');
  assert.throws(
    () => parseNativeSetupOptions({ fromDir: root, variant: 'tpu' as never }),
    (e: unknown) => e instanceof ConfigError && /native variant must be cpu or gpu, got "tpu"/.test(e.message),
  );
  assert.throws(() => parseNativeSetupOptions({ fromDir: root, tensorflowVersion: 'latest' }), /--tensorflow-version must look like 2\.21\.0, got "latest"/);
});

test('native setup - a cached library and binding are linked into a fresh tfjs-node, which then loads TensorFlow; the next plan finds it installed', async () => {
  const o = parseNativeSetupOptions({ fromDir: root, cacheDir: defaultCacheDir() });
  const pkg = findTfjsNode(root);
  assert.ok(!existsSync(pkg.bindingPath));
  assert.equal((await planNativeSetup(o)).action, 'link', 'npm ci left the cache ready (CI runs it on a fresh machine)');
  const lines: string[] = [];
  const t0 = performance.now();
  const r = await runNativeSetup(o, (l) => lines.push(l));
  assert.ok(performance.now() - t0 < 30_000, 'seconds, not a download and a build');
  assert.equal(r.tensorflowVersion, DEFAULT_TENSORFLOW_VERSION);
  assert.match(lines.join('\n'), /linking the cached library and binding/);
  assert.equal(await readlink(join(pkg.dir, 'deps', 'lib')), join(libraryDir(o), 'lib'));
  assert.equal(await bindingVersion(pkg), DEFAULT_TENSORFLOW_VERSION);
  assert.equal((await planNativeSetup(o)).action, 'installed');
});

test('native setup - a failed fetch says why in one line and leaves the working install as it was', async () => {
  const pkg = findTfjsNode(root);
  const linked = await readlink(join(pkg.dir, 'deps', 'lib'));
  const empty = join(tmp.path, 'empty-cache');
  const o = parseNativeSetupOptions({ fromDir: root, cacheDir: empty, python: '/nonexistent/python3' });
  assert.equal((await planNativeSetup(o)).action, 'fetch');
  await assert.rejects(
    runNativeSetup(o, () => {}),
    (e: unknown) => e instanceof BackendError && /^pip is not available through \/nonexistent\/python3/.test(e.message) && !e.message.includes('\n'),
  );
  assert.equal(await readlink(join(pkg.dir, 'deps', 'lib')), linked, 'deps/ still points at the working library');
  assert.equal(await bindingVersion(pkg), DEFAULT_TENSORFLOW_VERSION);
  assert.ok(!existsSync(join(empty, 'tensorflow', 'cpu-2.21.0')), 'no half-extracted library left');
});

test('native setup - the CLI: one line and exit 0 under npm ci (--if-needed), one error line and exit 1 by hand, a skip with SYNCGRAD_NATIVE=0', async () => {
  const saved = { cache: process.env.SYNCGRAD_CACHE_DIR, python: process.env.SYNCGRAD_PYTHON, native: process.env.SYNCGRAD_NATIVE };
  process.env.SYNCGRAD_CACHE_DIR = join(tmp.path, 'cli-cache');
  process.env.SYNCGRAD_PYTHON = '/nonexistent/python3';
  try {
    const quiet = await cli('setup', '--if-needed');
    assert.equal(quiet.code, 0);
    assert.match(
      quiet.err[quiet.err.length - 1]!,
      /^setup: native TensorFlow unavailable: pip is not available through \/nonexistent\/python3 .*; syncgrad runs on wasm \(`npx syncgrad setup` tries again\)$/,
    );
    const loud = await cli('setup');
    assert.equal(loud.code, 1);
    assert.match(loud.err[loud.err.length - 1]!, /^syncgrad: pip is not available through \/nonexistent\/python3/);
    assert.ok(!loud.err.some((l) => /^\s+at /.test(l)), 'no stack trace');
    process.env.SYNCGRAD_NATIVE = '0';
    assert.deepEqual((await cli('setup', '--if-needed')).err, ['setup: native TensorFlow skipped (SYNCGRAD_NATIVE=0); syncgrad runs on wasm']);
  } finally {
    for (const [k, v] of [
      ['SYNCGRAD_CACHE_DIR', saved.cache],
      ['SYNCGRAD_PYTHON', saved.python],
      ['SYNCGRAD_NATIVE', saved.native],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await rm(join(tmp.path, 'cli-cache'), { recursive: true, force: true });
  }
  // The real install was not touched: this repository's binding still loads.
  assert.equal(await bindingVersion(findTfjsNode(PACKAGE_ROOT)), DEFAULT_TENSORFLOW_VERSION);
});
