// Checkpoints: one self-describing file (weights + Adam state + position + RNG state + history), so
// a half-written checkpoint can never pair new weights with old optimizer state. Written to a temp
// file in the same directory, fsync'd, then renamed into place; the one it replaces is kept as
// checkpoint.prev.sgck. A crash leaves a valid newest or a valid previous one, and a newest one
// that is torn or corrupt anyway (a disk, a copy) fails its length or body checksum and the run
// falls back to the previous one.
//
// Layout: MAGIC (8 bytes) | header length (u32 LE) | header JSON (UTF-8, padded to 4 bytes) | f32 LE blobs.
import { readFile, rename, stat } from 'node:fs/promises';
import { writeFileAtomic } from '../atomic-write.js';
import { dirname, join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { paramSpecs, validateModelConfig, type ModelConfig } from '../model/spec.js';
import type { RngState } from '../rng.js';
import type { AdamState } from '../optim/adam.js';
import type { EpochReport, StepTiming } from './report.js';

const MAGIC = Buffer.from('SGCKPT01', 'ascii');
export const CHECKPOINT_FILE = 'checkpoint.sgck';
/** The checkpoint before the newest: what a run falls back to when the newest is unreadable. */
export const PREVIOUS_CHECKPOINT_FILE = 'checkpoint.prev.sgck';
/** A header bigger than this is corruption, not a real checkpoint (real ones are ~2 KB). */
const MAX_HEADER_BYTES = 16 * 1024 * 1024;

export interface CheckpointMeta {
  model: ModelConfig;
  classes: string[];
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps completed. */
  step: number;
  learningRate: number;
  seed: number;
  rng: RngState;
  /** Free-form: the training options, for `evaluate` and resume. */
  config: Record<string, unknown>;
  createdAt: string;
  /** Where in the run it was taken and what the report needs so far (absent before format 2). */
  progress?: TrainProgress;
  /** The dataset's split lists, hashed: a resume over other data is refused. */
  dataset?: string;
}

/** Everything a resumed run needs to continue exactly where this one stopped. */
export interface TrainProgress {
  /** Epochs completed (validation and the epoch-end checkpoint included). */
  epochsDone: number;
  /** Steps done in epoch epochsDone + 1. */
  stepInEpoch: number;
  /** Steps done in the whole run. */
  globalStep: number;
  /** The finished epochs' report lines. */
  epochs: EpochReport[];
  /** Sums over the steps done in the unfinished epoch, so its train loss comes out the same. */
  partial: { lossSum: number; correct: number; count: number; seconds: number };
  steps?: StepTiming[];
}

export interface Checkpoint {
  meta: CheckpointMeta;
  weights: Float32Array[];
  optimizer: AdamState;
}

interface BlobRef {
  name: string;
  length: number;
}

interface Header {
  format: 1 | 2;
  meta: CheckpointMeta;
  blobs: BlobRef[];
  /** Format 2: FNV-1a of the blobs' 32-bit words, so a corrupt body is caught, not trained on. */
  bodyChecksum?: number;
}

/** Accepts a run directory or the checkpoint file itself. */
export function checkpointPath(runOrFile: string): string {
  return runOrFile.endsWith('.sgck') ? runOrFile : join(runOrFile, CHECKPOINT_FILE);
}

function isDirectoryPath(runOrFile: string): boolean {
  return !runOrFile.endsWith('.sgck');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function saveCheckpoint(runOrFile: string, ckpt: Checkpoint): Promise<string> {
  const path = checkpointPath(runOrFile);
  const specs = paramSpecs(ckpt.meta.model);
  const blobs: { name: string; data: Float32Array }[] = [];
  ckpt.weights.forEach((w, i) => blobs.push({ name: `param/${specs[i]!.name}`, data: w }));
  ckpt.optimizer.m.forEach((w, i) => blobs.push({ name: `adam_m/${specs[i]!.name}`, data: w }));
  ckpt.optimizer.v.forEach((w, i) => blobs.push({ name: `adam_v/${specs[i]!.name}`, data: w }));
  const meta = { ...ckpt.meta, step: ckpt.optimizer.step };
  let h = FNV_OFFSET;
  for (const b of blobs) h = fnv(h, b.data);
  const header: Header = { format: 2, meta, blobs: blobs.map((b) => ({ name: b.name, length: b.data.length })), bodyChecksum: h >>> 0 };
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  json = Buffer.concat([json, Buffer.alloc((4 - (json.length % 4)) % 4, 0x20)]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);

  try {
    return await writeFileAtomic(path, [MAGIC, len, json, ...blobs.map((b) => toLittleEndianBytes(b.data))], {
      sync: true,
      // Keep the one this replaces: the newest can still turn out unreadable later.
      beforeRename: async () => {
        if (isDirectoryPath(runOrFile) && (await exists(path))) await rename(path, join(dirname(path), PREVIOUS_CHECKPOINT_FILE));
      },
    });
  } catch (e) {
    throw new CheckpointError(path, 'cannot write checkpoint', { cause: e });
  }
}

const FNV_OFFSET = 0x811c9dc5;
function fnv(h: number, a: Float32Array): number {
  const words = new Uint32Array(a.buffer, a.byteOffset, a.length);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i]!, 0x01000193);
  return h;
}

/**
 * A run directory's newest readable checkpoint: the newest, or, when it is unreadable, the
 * previous one (`warn` says why). Undefined when the directory holds none. A file path is read
 * as is.
 */
export async function loadLatestCheckpoint(
  runOrFile: string,
  warn: (line: string) => void = () => {},
): Promise<{ checkpoint: Checkpoint; path: string } | undefined> {
  const newest = checkpointPath(runOrFile);
  if (!isDirectoryPath(runOrFile)) return { checkpoint: await loadCheckpoint(newest), path: newest };
  const previous = join(runOrFile, PREVIOUS_CHECKPOINT_FILE);
  const [hasNewest, hasPrevious] = [await exists(newest), await exists(previous)];
  if (!hasNewest && !hasPrevious) return undefined;
  if (hasNewest) {
    try {
      return { checkpoint: await loadCheckpoint(newest), path: newest };
    } catch (e) {
      if (!hasPrevious) throw e;
      warn(`warning: ${(e as Error).message}; falling back to the previous checkpoint ${previous}`);
    }
  }
  return { checkpoint: await loadCheckpoint(previous), path: previous };
}

function toLittleEndianBytes(a: Float32Array): Uint8Array {
  // Every platform Node runs on is little-endian; the format says LE so it stays portable.
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export async function loadCheckpoint(runOrFile: string): Promise<Checkpoint> {
  const path = checkpointPath(runOrFile);
  try {
    await stat(path);
  } catch (e) {
    throw new CheckpointError(path, 'checkpoint not found', { cause: e });
  }
  const buf = await readFile(path);
  if (buf.length < 12 || !buf.subarray(0, 8).equals(MAGIC)) throw new CheckpointError(path, 'not a syncgrad checkpoint');
  const hlen = buf.readUInt32LE(8);
  if (hlen > MAX_HEADER_BYTES || 12 + hlen > buf.length) throw new CheckpointError(path, 'checkpoint header is truncated');
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(12, 12 + hlen).toString('utf8')) as Header;
  } catch (e) {
    throw new CheckpointError(path, 'checkpoint header is corrupt', { cause: e });
  }
  if (header.format !== 1 && header.format !== 2) throw new CheckpointError(path, `unsupported checkpoint format ${String(header.format)}`);
  try {
    validateModelConfig(header.meta.model);
  } catch (e) {
    throw new CheckpointError(path, 'checkpoint has an invalid model config', { cause: e });
  }
  const specs = paramSpecs(header.meta.model);
  const expectedBytes = header.blobs.reduce((a, b) => a + b.length * 4, 0);
  if (12 + hlen + expectedBytes !== buf.length) throw new CheckpointError(path, 'checkpoint is truncated or has trailing bytes');
  // Copy into an aligned buffer: a Float32Array view needs a 4-byte aligned offset.
  const body = new Float32Array(expectedBytes / 4);
  new Uint8Array(body.buffer).set(buf.subarray(12 + hlen));
  if (header.format === 2 && fnv(FNV_OFFSET, body) >>> 0 !== header.bodyChecksum)
    throw new CheckpointError(path, 'checkpoint body fails its checksum (corrupt)');
  const byName = new Map<string, Float32Array>();
  let off = 0;
  for (const b of header.blobs) {
    byName.set(b.name, body.subarray(off, off + b.length));
    off += b.length;
  }
  const take = (prefix: string, required: boolean): Float32Array[] => {
    const out: Float32Array[] = [];
    for (const s of specs) {
      const a = byName.get(`${prefix}/${s.name}`);
      if (!a) {
        if (required) throw new CheckpointError(path, `checkpoint lacks ${prefix}/${s.name}`);
        return [];
      }
      if (a.length !== s.size) throw new CheckpointError(path, `${prefix}/${s.name} has ${a.length} values, model needs ${s.size}`);
      out.push(a);
    }
    return out;
  };
  return {
    meta: header.meta,
    weights: take('param', true),
    optimizer: { step: header.meta.step, m: take('adam_m', false), v: take('adam_v', false) },
  };
}
