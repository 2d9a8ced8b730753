// Setting up the native TensorFlow backend: TensorFlow's C library from its Python wheel (pip), and
// tfjs-node's binding built against it (node-gyp). `npm ci` runs this (package.json's prepare, as
// `syncgrad setup --if-needed`); `syncgrad setup [--gpu]` runs it by hand.
//
// Like sharp's install, one function decides and the rest only acts on its answer, in this order:
//   1. installed - tfjs-node already holds a binding linked to a ready library of this variant;
//   2. link      - the cache holds the library and a binding built for this tfjs-node: relink, copy;
//   3. build     - the cache holds the library only: build the binding (node-gyp, ~10 s);
//   4. fetch     - nothing cached: pip download, extract (~15 s for the 274 MB CPU wheel), build.
// Every step says what it does in one line. Where it cannot be done (no pip, no such wheel, no
// compiler) the caller prints one line and syncgrad runs on wasm, as before. A library is only
// used once its folder is complete: it is extracted beside its final name and renamed.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BackendError, ConfigError } from '../errors.js';
import { GATE_FILE } from '../backend/native/quiet.js';
import { PACKAGE_ROOT } from '../paths.js';
import { TFJS_NODE, bindingVersion, buildBinding, buildStderrGate, findTfjsNode, installBinding, linkLibrary, type TfjsNodePackage } from './binding.js';
import { cudaRequirements, extractWheel, nvidiaRules, pipDownload, tensorflowRules, wheelMetadata } from './wheel.js';

export type NativeVariant = 'cpu' | 'gpu';

/** TensorFlow's release whose wheels we take: tfjs-node 4.22's binding builds against its C API unchanged. */
export const DEFAULT_TENSORFLOW_VERSION = '2.21.0';
/** The wheel per variant: the CPU-only build, or the CUDA 12 build (needs CUDA >= 12.5 drivers, cuDNN >= 9.3 wheels). */
export const TENSORFLOW_WHEELS: Record<NativeVariant, string> = { cpu: 'tensorflow-cpu', gpu: 'tensorflow' };
/** Environment: where the cache lives (default $XDG_CACHE_HOME/syncgrad or ~/.cache/syncgrad). */
export const CACHE_DIR_ENV = 'SYNCGRAD_CACHE_DIR';
/** Environment: the Python whose pip fetches the wheel (default python3). */
export const PYTHON_ENV = 'SYNCGRAD_PYTHON';
/** Environment: 0 skips the native set-up at install (the product then runs on wasm). */
export const NATIVE_ENV = 'SYNCGRAD_NATIVE';

export interface NativeSetupOptions {
  variant: NativeVariant;
  tensorflowVersion: string;
  /** Root of syncgrad's cache; the library goes to <cacheDir>/tensorflow/<variant>-<version>/. */
  cacheDir: string;
  python: string;
  /** Fetch and build again even when the cache has it. */
  force: boolean;
  /** Where to resolve tfjs-node from (the package root). */
  fromDir: string;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env[CACHE_DIR_ENV]) return env[CACHE_DIR_ENV];
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'syncgrad');
}

export function parseNativeSetupOptions(input: Partial<NativeSetupOptions> & { fromDir: string }, env: NodeJS.ProcessEnv = process.env): NativeSetupOptions {
  const variant = input.variant ?? 'cpu';
  if (variant !== 'cpu' && variant !== 'gpu') throw new ConfigError(`native variant must be cpu or gpu, got ${JSON.stringify(variant)}`);
  const tensorflowVersion = input.tensorflowVersion ?? DEFAULT_TENSORFLOW_VERSION;
  if (!/^\d+\.\d+\.\d+$/.test(tensorflowVersion)) throw new ConfigError(`--tensorflow-version must look like 2.21.0, got ${JSON.stringify(tensorflowVersion)}`);
  return {
    variant,
    tensorflowVersion,
    cacheDir: input.cacheDir ?? defaultCacheDir(env),
    python: input.python ?? (env[PYTHON_ENV] || 'python3'),
    force: input.force ?? false,
    fromDir: input.fromDir,
  };
}

/** The cache's layout for one variant and version. */
export function libraryDir(o: Pick<NativeSetupOptions, 'cacheDir' | 'variant' | 'tensorflowVersion'>): string {
  return join(o.cacheDir, 'tensorflow', `${o.variant}-${o.tensorflowVersion}`);
}

const READY = 'ready.json';
const ACTIVE = 'active.json';

interface ReadyMarker {
  variant: NativeVariant;
  tensorflowVersion: string;
  wheels: string[];
  files: number;
  createdAt: string;
}

function cachedBinding(dir: string, pkg: TfjsNodePackage): string {
  return join(dir, 'bindings', `tfjs-node-${pkg.version}-napi-v${pkg.napiVersion}.node`);
}

export type SetupAction = 'installed' | 'link' | 'build' | 'fetch';

export interface SetupPlan {
  action: SetupAction;
  pkg: TfjsNodePackage;
  dir: string;
}

async function isReady(dir: string): Promise<boolean> {
  try {
    JSON.parse(await readFile(join(dir, READY), 'utf8'));
    return true;
  } catch {
    return false;
  }
}

async function linkTarget(path: string): Promise<string | undefined> {
  try {
    return await readlink(path);
  } catch {
    return undefined;
  }
}

/** Decides what has to happen; touches nothing. */
export async function planNativeSetup(o: NativeSetupOptions): Promise<SetupPlan> {
  const pkg = findTfjsNode(o.fromDir);
  const dir = libraryDir(o);
  if (o.force || !(await isReady(dir))) return { action: 'fetch', pkg, dir };
  if (!existsSync(cachedBinding(dir, pkg))) return { action: 'build', pkg, dir };
  const linked = (await linkTarget(join(pkg.dir, 'deps', 'lib'))) === join(dir, 'lib');
  return { action: linked && existsSync(pkg.bindingPath) ? 'installed' : 'link', pkg, dir };
}

export interface SetupResult {
  plan: SetupPlan;
  /** The TensorFlow version the built binding reports. */
  tensorflowVersion: string;
  seconds: number;
}

/** Carries out the plan; each step logs one line. Throws BackendError with the reason when a step fails. */
export async function runNativeSetup(o: NativeSetupOptions, log: (line: string) => void): Promise<SetupResult> {
  const t0 = Date.now();
  const plan = await planNativeSetup(o);
  const { pkg, dir } = plan;
  const label = `TensorFlow ${o.tensorflowVersion} (${o.variant})`;
  if (plan.action === 'fetch') await fetchLibrary(o, dir, log);
  if (plan.action === 'installed') log(`native ${label} is already set up (${dir})`);
  else {
    await linkLibrary(pkg, dir);
    const binding = cachedBinding(dir, pkg);
    if (plan.action === 'link') {
      log(`native ${label}: linking the cached library and binding (${dir})`);
      await installBinding(pkg, binding);
    } else {
      log(`building ${TFJS_NODE}@${pkg.version}'s binding against it with node-gyp ...`);
      await buildBinding(pkg);
      await mkdir(join(dir, 'bindings'), { recursive: true });
      await installBinding({ ...pkg, bindingPath: binding }, pkg.bindingPath);
    }
  }
  await installStderrGate(pkg, dir, log);
  const version = await bindingVersion(pkg);
  if (version !== o.tensorflowVersion) throw new BackendError(`tfjs-node's binding reports TensorFlow ${version}, expected ${o.tensorflowVersion}`);
  await mkdir(join(o.cacheDir, 'tensorflow'), { recursive: true });
  await writeFile(join(o.cacheDir, 'tensorflow', ACTIVE), `${JSON.stringify({ variant: o.variant, tensorflowVersion: o.tensorflowVersion })}\n`);
  return { plan, tensorflowVersion: version, seconds: (Date.now() - t0) / 1000 };
}

/** The stderr gate's sources (common/backend/native/quiet.ts loads what they build). */
export const GATE_SOURCE = join(PACKAGE_ROOT, 'common', 'backend', 'native', 'stderr-gate');

/**
 * The stderr gate beside tfjs-node's binding: copied from the cache, or built there once (~3 s).
 * Without it native TensorFlow still runs and only its start-up banner shows, so a failure here is
 * one line, not a failed set-up.
 */
async function installStderrGate(pkg: TfjsNodePackage, dir: string, log: (line: string) => void): Promise<void> {
  const installed = join(pkg.dir, 'lib', GATE_FILE);
  if (existsSync(installed)) return;
  const cached = join(dir, 'bindings', 'stderr-gate.node');
  try {
    if (!existsSync(cached)) {
      log("building the stderr gate (it keeps TensorFlow's start-up banner off the terminal) with node-gyp ...");
      await buildStderrGate(GATE_SOURCE, join(dir, 'bindings'));
    }
    const tmp = `${installed}.tmp-${process.pid}`;
    await copyFile(cached, tmp);
    await rename(tmp, installed);
  } catch (e) {
    log(`the stderr gate was not built (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); TensorFlow's start-up banner will show`);
  }
}

/** pip download, extract into a sibling folder, mark it ready, rename into place. */
async function fetchLibrary(o: NativeSetupOptions, dir: string, log: (line: string) => void): Promise<void> {
  const wheelName = TENSORFLOW_WHEELS[o.variant];
  const staging = `${dir}.partial-${process.pid}`;
  const wheels = join(o.cacheDir, 'wheels');
  await rm(staging, { recursive: true, force: true });
  await mkdir(wheels, { recursive: true });
  try {
    log(`downloading ${wheelName}==${o.tensorflowVersion} with pip (${o.python} -m pip) ...`);
    const [tfWheel] = await pipDownload(o.python, [`${wheelName}==${o.tensorflowVersion}`], wheels);
    if (!tfWheel) throw new BackendError(`pip reported no wheel for ${wheelName}==${o.tensorflowVersion}`);
    const used = [tfWheel];
    log(`extracting TensorFlow's C library from ${tfWheel.split('/').pop()} ...`);
    let files = (await extractWheel(o.python, tfWheel, staging, tensorflowRules())).length;
    if (!existsSync(join(staging, 'lib', 'libtensorflow_cc.so.2'))) throw new BackendError(`${tfWheel} holds no tensorflow/libtensorflow_cc.so.2`);
    if (o.variant === 'gpu') {
      const cuda = cudaRequirements(await wheelMetadata(o.python, tfWheel));
      if (cuda.length === 0) throw new BackendError(`${tfWheel} names no CUDA runtime wheels (no "and-cuda" extra)`);
      log(`downloading its CUDA runtime with pip: ${cuda.join(' ')} ...`);
      const nvidia = await pipDownload(o.python, cuda, wheels);
      for (const w of nvidia) files += (await extractWheel(o.python, w, staging, nvidiaRules())).length;
      used.push(...nvidia);
    }
    // tfjs-node's binding.gyp links -ltensorflow -ltensorflow_framework.
    await symlink('libtensorflow_cc.so.2', join(staging, 'lib', 'libtensorflow.so'));
    await symlink('libtensorflow_framework.so.2', join(staging, 'lib', 'libtensorflow_framework.so'));
    const marker: ReadyMarker = {
      variant: o.variant,
      tensorflowVersion: o.tensorflowVersion,
      wheels: used.map((w) => w.split('/').pop()!),
      files,
      createdAt: new Date().toISOString(),
    };
    await writeFile(join(staging, READY), `${JSON.stringify(marker, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    // The extracted library is what we keep; the wheels can be fetched again.
    for (const w of used) await rm(w, { force: true });
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}

/** The variant `npm ci` sets up: the one last set up on this machine (setup --gpu sticks), else cpu. */
export async function activeVariant(cacheDir: string): Promise<NativeVariant> {
  try {
    const a = JSON.parse(await readFile(join(cacheDir, 'tensorflow', ACTIVE), 'utf8')) as { variant?: string };
    return a.variant === 'gpu' ? 'gpu' : 'cpu';
  } catch {
    return 'cpu';
  }
}

/** Cache folders left by interrupted set-ups (.partial-<pid> of processes that are gone). */
export async function removeStaleStaging(cacheDir: string): Promise<void> {
  const root = join(cacheDir, 'tensorflow');
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /\.partial-(\d+)$/.exec(n);
    if (!m) continue;
    let alive = true;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      alive = false;
    }
    if (!alive) await rm(join(root, n), { recursive: true, force: true });
  }
}
