// tfjs-node's native binding, built from the sources its npm package ships, against a TensorFlow
// C library we laid out ourselves. tfjs-node expects that library in its own `deps/` folder (its
// binding.gyp links -ltensorflow from deps/lib and sets RUNPATH $ORIGIN/../../deps/lib); we make
// `deps/lib` and `deps/include` links into the cache, so the 800 MB library exists once per
// machine, and a reinstall of node_modules only relinks. Its install script, which downloads
// libtensorflow 2.9 from a fixed bucket, never runs (package.json's allowScripts denies it).
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, cp, lstat, mkdir, mkdtemp, readlink, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { BackendError } from '../errors.js';
import { reasonOf, runProcess } from './wheel.js';

export const TFJS_NODE = '@tensorflow/tfjs-node';

export interface TfjsNodePackage {
  dir: string;
  version: string;
  /** Where tfjs-node's index.js looks for the binding (node-pre-gyp's rule: lib/napi-v<N>/tfjs_binding.node). */
  bindingPath: string;
  napiVersion: number;
}

/** The installed tfjs-node package, or a BackendError saying it is not installed. */
export function findTfjsNode(fromDir: string): TfjsNodePackage {
  const require = createRequire(join(fromDir, 'package.json'));
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${TFJS_NODE}/package.json`);
  } catch {
    throw new BackendError(`${TFJS_NODE} is not installed (an optional dependency: npm ci installs it unless optional packages are omitted)`);
  }
  const dir = dirname(pkgJson);
  const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string; binary: { napi_versions: number[] } };
  // Node-API is forward compatible: the highest version tfjs-node lists that this Node supports.
  const nodeNapi = Number(process.versions.napi);
  const napiVersion = Math.max(...pkg.binary.napi_versions.filter((v) => v <= nodeNapi));
  return { dir, version: pkg.version, napiVersion, bindingPath: join(dir, 'lib', `napi-v${napiVersion}`, 'tfjs_binding.node') };
}

/** The node-gyp that ships with npm: npm names it to its scripts; otherwise it sits beside npm. */
export function findNodeGyp(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    '/usr/share/nodejs/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
    '/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c));
}

/**
 * Node's headers for node-gyp, without a download: npm's nodedir setting (Debian's npm points it
 * at /usr), else the include/ folder beside this Node's binary (Debian's nodejs package and the
 * official tarballs both have one). Node-API headers are the same for every Node line that has them.
 */
export function findNodeHeaders(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.npm_config_nodedir, join(dirname(process.execPath), '..')];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(join(c, 'include', 'node', 'node_api.h')));
}

/** Points `link` at `target`, replacing whatever was there, in one rename. */
export async function relink(target: string, link: string): Promise<void> {
  try {
    if ((await lstat(link)).isSymbolicLink() && (await readlink(link)) === target) return;
  } catch {
    // absent
  }
  await mkdir(dirname(link), { recursive: true });
  const tmp = `${link}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await symlink(target, tmp);
  try {
    await rename(tmp, link);
  } catch {
    // A real directory (an earlier, hand-made layout) cannot be renamed over.
    await rm(link, { recursive: true, force: true });
    await rename(tmp, link);
  }
}

/** Makes tfjs-node's deps/ point at a laid-out library (`libDir/{lib,include}`). */
export async function linkLibrary(pkg: TfjsNodePackage, libraryDir: string): Promise<void> {
  await relink(join(libraryDir, 'lib'), join(pkg.dir, 'deps', 'lib'));
  await relink(join(libraryDir, 'include'), join(pkg.dir, 'deps', 'include'));
}

/** Builds tfjs-node's binding with node-gyp against the linked library; the .node file comes back at pkg.bindingPath. */
export async function buildBinding(pkg: TfjsNodePackage, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const gyp = findNodeGyp(env);
  if (!gyp) throw new BackendError('node-gyp was not found (it ships with npm; is npm installed beside node?)');
  const headers = findNodeHeaders(env);
  if (!headers)
    throw new BackendError(`Node's C headers were not found beside ${process.execPath} (on Debian: apt-get install nodejs; or set npm_config_nodedir)`);
  const args = [
    gyp,
    'rebuild',
    `--nodedir=${headers}`,
    '--module_name=tfjs_binding',
    `--module_path=${dirname(pkg.bindingPath)}`,
    `--napi_build_version=${pkg.napiVersion}`,
  ];
  const r = await runProcess(process.execPath, args, { cwd: pkg.dir, env: { ...env, npm_config_nodedir: headers }, timeoutMs: 10 * 60_000 });
  if (r.code !== 0 || !existsSync(pkg.bindingPath)) throw new BackendError(`node-gyp could not build tfjs-node's binding: ${reasonOf(r)}`);
  // The object files are 10 MB we never need again.
  await rm(join(pkg.dir, 'build'), { recursive: true, force: true });
}

/**
 * Builds the stderr gate (common/backend/native/stderr-gate: a Node-API addon of two functions)
 * with node-gyp in a temporary copy of its folder, and returns the built file's path inside
 * `outDir`. It holds fd 2 while TensorFlow's library loads (common/backend/native/quiet.ts).
 */
export async function buildStderrGate(sourceDir: string, outDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const gyp = findNodeGyp(env);
  if (!gyp) throw new BackendError('node-gyp was not found (it ships with npm; is npm installed beside node?)');
  const headers = findNodeHeaders(env);
  if (!headers)
    throw new BackendError(`Node's C headers were not found beside ${process.execPath} (on Debian: apt-get install nodejs; or set npm_config_nodedir)`);
  const work = await mkdtemp(join(tmpdir(), 'syncgrad-gate-'));
  try {
    await cp(sourceDir, work, { recursive: true });
    const r = await runProcess(process.execPath, [gyp, 'rebuild', `--nodedir=${headers}`], {
      cwd: work,
      env: { ...env, npm_config_nodedir: headers },
      timeoutMs: 5 * 60_000,
    });
    const built = join(work, 'build', 'Release', 'stderr_gate.node');
    if (r.code !== 0 || !existsSync(built)) throw new BackendError(`node-gyp could not build the stderr gate: ${reasonOf(r)}`);
    await mkdir(outDir, { recursive: true });
    const out = join(outDir, 'stderr-gate.node');
    await copyFile(built, `${out}.tmp-${process.pid}`);
    await rename(`${out}.tmp-${process.pid}`, out);
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Copies a built binding from the cache into tfjs-node (a copy: node_modules must not depend on the cache's file staying). */
export async function installBinding(pkg: TfjsNodePackage, cached: string): Promise<void> {
  await mkdir(dirname(pkg.bindingPath), { recursive: true });
  const tmp = `${pkg.bindingPath}.tmp-${process.pid}`;
  await copyFile(cached, tmp);
  await rename(tmp, pkg.bindingPath);
}

/** Loads the binding in a child process and returns the TensorFlow version it reports. */
export async function bindingVersion(pkg: TfjsNodePackage): Promise<string> {
  const r = await runProcess(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(pkg.bindingPath)}).TF_Version)`], {
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    timeoutMs: 120_000,
  });
  if (r.code !== 0) throw new BackendError(`tfjs-node's binding does not load: ${reasonOf(r)}`);
  return r.stdout.trim();
}
