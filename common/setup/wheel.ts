// TensorFlow's C library, taken from the Python wheel that Python users install, through pip. The
// wheel is a zip: we keep its two shared libraries and the C API headers, not the Python package.
// For the GPU route the `tensorflow` wheel names its CUDA runtime as `nvidia-*-cu12` wheels under
// the `and-cuda` extra; their libraries are laid out where TensorFlow's RUNPATH looks for them
// ($ORIGIN/../nvidia/<name>/lib, as in site-packages).
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BackendError } from '../errors.js';

/** Zip members kept from the TensorFlow wheel: the C library and the headers tfjs-node's binding includes. */
export const LIBRARY_MEMBERS = ['tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'];
export const HEADER_PREFIXES = [
  'tensorflow/include/tensorflow/c/',
  'tensorflow/include/tensorflow/core/platform/ctstring',
  'tensorflow/include/tsl/platform/ctstring',
  'tensorflow/include/xla/tsl/c/',
];
/** Zip members kept from an nvidia-*-cu12 wheel: its shared libraries. */
const NVIDIA_LIBRARY = /^nvidia\/[^/]+\/lib\/[^/]+\.so(\.\d+)*$/;

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, output captured; never throws for a non-zero exit. */
export function runProcess(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    // Our own timer, not spawn's `timeout`: that one is only cleared by 'exit', which a command
    // that never started (ENOENT) does not emit, and it would hold the process open.
    let timer: NodeJS.Timeout | undefined;
    const done = (r: ProcessResult) => {
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (o.timeoutMs !== undefined) timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => done({ code: null, stdout, stderr: `${stderr}${e.message}` }));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The line of pip's (or any tool's) output that says what went wrong. */
export function reasonOf(r: ProcessResult): string {
  const lines = `${r.stderr}\n${r.stdout}`
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => /^ERROR:|error:|No matching distribution|Could not find/i.test(l));
  return (error ?? lines[lines.length - 1] ?? `exit code ${r.code}`).replace(/^ERROR:\s*/, '').slice(0, 300);
}

/**
 * pip downloads `requirements` (no dependencies, wheels only) into `dir` and the new wheels'
 * paths come back. pip resolves versions and platform tags for this machine's Python, and uses
 * whatever index or local wheel set it is configured with.
 */
export async function pipDownload(python: string, requirements: string[], dir: string): Promise<string[]> {
  const before = new Set(await listWheels(dir));
  const r = await runProcess(
    python,
    ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--dest', dir, ...requirements],
    { timeoutMs: 30 * 60_000 },
  );
  if (r.code !== 0) {
    if (r.code === null || /No module named pip/.test(r.stderr)) throw new BackendError(`pip is not available through ${python} (${reasonOf(r)})`);
    throw new BackendError(`pip could not download ${requirements.join(' ')}: ${reasonOf(r)}`);
  }
  const after = await listWheels(dir);
  const wheels = after.filter((w) => !before.has(w));
  // A wheel already in `dir` counts as downloaded: pip says "File was already downloaded".
  for (const req of requirements) {
    const stem = wheelStem(req.split(/[<>=!~; ]/)[0]!);
    const w = after.find((f) => f.toLowerCase().startsWith(`${stem}-`));
    if (w && !wheels.includes(w)) wheels.push(w);
  }
  return wheels.map((w) => join(dir, w));
}

async function listWheels(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.whl'));
  } catch {
    return [];
  }
}

/** A project name as it starts a wheel's file name (PEP 427: runs of -_. become _). */
export function wheelStem(project: string): string {
  return project.toLowerCase().replace(/[-_.]+/g, '_');
}

// Extraction goes through Python's zipfile: pip needs Python anyway, and it streams members of a
// multi-GB zip without loading it. `members` decides which to keep and where each goes.
const EXTRACT = `
import json, os, re, shutil, sys, zipfile
wheel, dest, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
done = []
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.endswith('/'):
            continue
        target = None
        for rule in spec:
            if rule.get('pattern') and not re.fullmatch(rule['pattern'], name):
                continue
            if (rule['exact'] and name == rule['match']) or (not rule['exact'] and name.startswith(rule['match'])):
                target = rule['to'] + name[len(rule['strip']):]
                break
        if target is None:
            continue
        out = os.path.join(dest, target)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(name) as src, open(out, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        done.append(target)
print(json.dumps(done))
`;

export interface ExtractRule {
  /** A member name (exact) or a prefix. */
  match: string;
  exact: boolean;
  /** The leading part of the member name to drop ... */
  strip: string;
  /** ... and what to put in its place, relative to the destination. */
  to: string;
  /** A regular expression (Python's syntax) the whole member name must also match. */
  pattern?: string;
}

/** Copies the members of `wheel` that the rules select into `dest`; returns the files written. */
export async function extractWheel(python: string, wheel: string, dest: string, rules: ExtractRule[]): Promise<string[]> {
  const r = await runProcess(python, ['-c', EXTRACT, wheel, dest, JSON.stringify(rules)], { timeoutMs: 30 * 60_000 });
  if (r.code !== 0) throw new BackendError(`could not extract ${wheel}: ${reasonOf(r)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '[]') as string[];
}

/** What to take from TensorFlow's wheel: lib/ gets the libraries, include/ the headers. */
export function tensorflowRules(): ExtractRule[] {
  return [
    ...LIBRARY_MEMBERS.map((m) => ({ match: m, exact: true, strip: 'tensorflow/', to: 'lib/' })),
    ...HEADER_PREFIXES.map((p) => ({ match: p, exact: false, strip: 'tensorflow/include/', to: 'include/' })),
  ];
}

/** What to take from an nvidia-*-cu12 wheel: nvidia/<name>/lib/*.so*, at the same path. */
export function nvidiaRules(): ExtractRule[] {
  return [{ match: 'nvidia/', exact: false, strip: '', to: '', pattern: NVIDIA_LIBRARY.source }];
}

const READ_METADATA = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    name = next(n for n in z.namelist() if n.endswith('.dist-info/METADATA'))
    sys.stdout.write(z.read(name).decode('utf-8'))
`;

export async function wheelMetadata(python: string, wheel: string): Promise<string> {
  const r = await runProcess(python, ['-c', READ_METADATA, wheel]);
  if (r.code !== 0) throw new BackendError(`could not read the metadata of ${wheel}: ${reasonOf(r)}`);
  return r.stdout;
}

/**
 * The CUDA runtime wheels a `tensorflow` wheel asks for under its `and-cuda` extra, as pip
 * requirement strings ("nvidia-cudnn-cu12<10.0,>=9.3.0.75").
 */
export function cudaRequirements(metadata: string): string[] {
  const out: string[] = [];
  for (const line of metadata.split('\n')) {
    const m = /^Requires-Dist:\s*(nvidia-[^;\s(]+)\s*\(?([^;)]*)\)?\s*;\s*(.*)$/i.exec(line.trim());
    if (!m || !/extra\s*==\s*["']and-cuda["']/.test(m[3]!)) continue;
    out.push(`${m[1]}${m[2]!.replace(/\s+/g, '')}`);
  }
  return out;
}
