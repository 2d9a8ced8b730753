// What `doctor` says about native TensorFlow. The binding is loaded in a child process with
// TensorFlow's logging fully on, because the facts that matter on a GPU host are only in its log:
// the GPUs it created devices for, or the exact CUDA library it failed to dlopen.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findTfjsNode } from './binding.js';
import { INTER_OP_ENV, INTRA_OP_ENV, LOG_LEVEL_ENV, nativeThreads, oneDnnEnabled } from '../backend/native/env.js';
import { runProcess } from './wheel.js';

export interface NativeFacts {
  ok: boolean;
  /** Why it does not load (first line), when !ok. */
  reason?: string;
  tensorflowVersion?: string;
  /** The libtensorflow_cc the binding loaded, as the process mapped it. */
  libraryPath?: string;
  /** cpu or gpu: which wheel the library came from (its ready.json), if syncgrad set it up. */
  variant?: string;
  oneDnn: boolean;
  threads: { intraOp: number; interOp: number };
  usingGpu: boolean;
  /** "GPU:0 NVIDIA H100 80GB HBM3, 79189 MB, compute capability 9.0", one per device TensorFlow created. */
  gpus: string[];
  /** TensorFlow's own lines about GPU libraries it could not load. */
  gpuLoadErrors: string[];
}

/** The shared library's path as this process mapped it (Linux), or undefined. */
export function mappedLibrary(name: string, maps = '/proc/self/maps'): string | undefined {
  try {
    const line = readFileSync(maps, 'utf8')
      .split('\n')
      .find((l) => l.includes(`/${name}`));
    return line?.slice(line.indexOf('/'));
  } catch {
    return undefined;
  }
}

const PROBE = `
const b = require(process.argv[1]);
const maps = require('fs').readFileSync('/proc/self/maps', 'utf8').split('\\n').find((l) => l.includes('/libtensorflow_cc.so'));
process.stdout.write(JSON.stringify({ version: b.TF_Version, gpu: b.isUsingGpuDevice(), library: maps ? maps.slice(maps.indexOf('/')) : null }));
`;

/** TensorFlow's device-creation line, e.g. "Created device /job:localhost/replica:0/task:0/device:GPU:0 with 79189 MB memory:  -> device: 0, name: NVIDIA H100 ..., compute capability: 9.0". */
const GPU_DEVICE = /Created device \S*device:(GPU:\d+) with (\d+) MB memory:\s*->\s*(.*)$/;
const GPU_LOAD_ERROR =
  /Could not load dynamic library|Cannot dlopen some GPU libraries|could not find cuda drivers|failed call to cuInit|CUDA_ERROR|cudaGetDevice\(\) failed|Could not find TensorRT|libcuda reported version/i;

export function parseGpuLog(stderr: string): { gpus: string[]; errors: string[] } {
  const gpus: string[] = [];
  const errors: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    const d = GPU_DEVICE.exec(line);
    if (d) gpus.push(`${d[1]} ${d[3]!.replace(/^device: \d+, name: /, '')}, ${d[2]} MB`);
    else if (GPU_LOAD_ERROR.test(line)) errors.push(line.replace(/^[IWEF]\d{4} [\d:.]+\s+\d+\s+\S+\]\s*/, ''));
  }
  return { gpus, errors };
}

function variantOf(libraryPath: string | undefined): string | undefined {
  if (!libraryPath) return undefined;
  const ready = join(dirname(dirname(libraryPath)), 'ready.json');
  if (!existsSync(ready)) return undefined;
  try {
    return (JSON.parse(readFileSync(ready, 'utf8')) as { variant?: string }).variant;
  } catch {
    return undefined;
  }
}

/** Loads tfjs-node's binding in a child process and reports what TensorFlow says about itself. */
export async function probeNative(fromDir: string, env: NodeJS.ProcessEnv = process.env): Promise<NativeFacts> {
  const base = { oneDnn: oneDnnEnabled(env), threads: nativeThreads(env), usingGpu: false, gpus: [], gpuLoadErrors: [] };
  let bindingPath: string;
  try {
    bindingPath = findTfjsNode(fromDir).bindingPath;
  } catch (e) {
    return { ...base, ok: false, reason: (e as Error).message };
  }
  if (!existsSync(bindingPath)) return { ...base, ok: false, reason: `no binding at ${bindingPath} (run \`npx syncgrad setup\`)` };
  const childEnv: NodeJS.ProcessEnv = { ...env, [LOG_LEVEL_ENV]: '0' };
  for (const k of [INTRA_OP_ENV, INTER_OP_ENV]) if (env[k] === undefined) delete childEnv[k];
  const r = await runProcess(process.execPath, ['-e', PROBE, bindingPath], { env: childEnv, timeoutMs: 120_000 });
  const log = parseGpuLog(r.stderr);
  if (r.code !== 0) {
    const line =
      r.stderr
        .split('\n')
        .map((l) => l.trim())
        .find((l) => /Error:|error while loading/.test(l)) ?? `exit code ${r.code}`;
    return { ...base, ok: false, reason: line.slice(0, 300), gpuLoadErrors: log.errors };
  }
  const j = JSON.parse(r.stdout) as { version: string; gpu: boolean; library: string | null };
  const libraryPath = j.library ?? undefined;
  return {
    ...base,
    ok: true,
    tensorflowVersion: j.version,
    libraryPath,
    variant: variantOf(libraryPath),
    usingGpu: j.gpu,
    gpus: log.gpus,
    gpuLoadErrors: log.errors,
  };
}
