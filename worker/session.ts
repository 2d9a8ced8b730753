// What a worker sets up when a coordinator accepts it: the job's sample lists and where the images
// come from, the weight replica, the compute, and the sharded exchange when the job uses it. A
// rejoin (another coordinator, or an eviction) makes a new session; the model and the exchange's
// memory outlive it while the job's network stays the same. The network comes described in the
// job (its topology, for any but the seed CNN), so this machine needs no model file.
import type { NatsConnection } from 'nats';
import type { RejectReason } from '../common/errors.js';
import { FlatMemory } from '../common/kernels/flat-kernels.js';
import { createNet, placeholderWeights } from '../common/model/build.js';
import type { Net } from '../common/model/net.js';
import { SEED_CNN, trainableCount, type LayersArch, type ModelConfig } from '../common/model/spec.js';
import { ProtocolError } from '../common/errors.js';
import { microBatchFromWire, planMicroBatch } from '../common/train/micro-batch.js';
import { DataMode, type pb } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import { AllReduce, type ExchangeBuffers } from './allreduce.js';
import { ModelCompute } from './compute.js';
import { RemoteImages, withRoot, type SplitLists } from './data.js';
import type { WorkerOptions } from './options.js';
import { ReplicaState } from './replica.js';
import type { ServedState } from './serving.js';
import { WeightSync } from './weights.js';

/** Everything a join with one coordinator sets up. */
export interface Session extends ServedState {
  spec: pb.JobSpec;
  rank: number;
  remote?: RemoteImages;
  weights: WeightSync;
  compute: ModelCompute;
  /** Values of the flat vector the optimizer steps; the buffers after them are averaged. */
  trainable: number;
  /** Sharded: the buffer this worker's gradient is flattened into, the one the exchange's kernels read. */
  gradient?: Float32Array;
  /** The fixed gradient of a synthetic (bench exchange) job, made once. */
  synthetic?: Float32Array;
}

/** The sharded exchange's vectors, in one wasm memory, made once for a parameter count. */
export interface ShardedMemory {
  replica: ReplicaState;
  bufs: ExchangeBuffers;
  gradient: Float32Array;
}

/** What a worker keeps from one session to the next. */
export interface Held {
  /** The network, kept while the job's description (`key`) stays the same. */
  model?: { key: string; model: Net; sizes: number[] };
  sharded?: ShardedMemory;
}

export interface SessionContext {
  nc: NatsConnection;
  s: Subjects;
  spec: pb.JobSpec;
  rank: number;
  /** The rank now (a later rejoin may change it while the exchange still runs). */
  rankNow: () => number;
  lists: SplitLists;
  backend: string;
  options: WorkerOptions;
  held: Held;
  onReject: (reason: RejectReason, detail: string) => void;
  onBytes: (direction: 'in' | 'out', bytes: number) => void;
  onPushed?: (exchange: number) => void;
}

/** The job's network, described: what the coordinator built. */
export function modelConfigOf(m: pb.ModelSpec): ModelConfig {
  const config: ModelConfig = { imageSize: m.imageSize, channels: m.channels as 1 | 3, classes: m.classes, dropout: m.dropout, arch: m.arch || SEED_CNN };
  if (m.layersJson) {
    try {
      config.layers = JSON.parse(m.layersJson) as LayersArch;
    } catch (e) {
      throw new ProtocolError('refused', `the job's model description is not JSON: ${(e as Error).message}`);
    }
  }
  return config;
}

export async function openSession(c: SessionContext): Promise<Session> {
  const { spec, held } = c;
  const m = spec.model as pb.ModelSpec;
  const config = modelConfigOf(m);
  const key = `${m.imageSize}/${m.channels}/${m.classes}/${m.dropout}/${config.arch}/${m.layersJson}`;
  if (held.model?.key !== key) {
    held.model?.model.dispose();
    held.model = undefined;
    // Placeholder weights: the first command makes the replica pull the coordinator's.
    const model = await createNet(config, placeholderWeights(config));
    held.model = { key, model, sizes: model.specs.map((sp) => sp.size) };
  }
  const { model, sizes } = held.model;
  const remote = spec.dataMode === DataMode.OVER_NATS ? new RemoteImages(c.nc, c.s.data, spec.job, c.options.cacheRoot) : undefined;
  const sharded = spec.shardedExchange ? shardedMemory(held, spec) : undefined;
  // Versions are the coordinator's, and it may be another one now: nothing held counts.
  sharded?.replica.reset();
  const common = { nc: c.nc, s: c.s, job: spec, rank: c.rank };
  // This worker's own --micro-batch wins over the job's: it knows its machine.
  const plan = planMicroBatch(c.options.microBatch ?? microBatchFromWire(spec.microBatch), c.backend, config, 'worker');
  const lists = remote ? c.lists : withRoot(c.lists, c.options.dataRoot ?? spec.dataRoot);
  return {
    spec,
    rank: c.rank,
    job: spec.job,
    chunkBytes: spec.chunkBytes,
    remote,
    replica: sharded?.replica,
    gradient: sharded?.gradient,
    weights: new WeightSync({ ...common, model, sizes, replica: sharded?.replica, onReject: c.onReject, onBytesIn: (b) => c.onBytes('in', b) }),
    compute: new ModelCompute({ job: spec, rank: c.rank, backend: c.backend, model, plan, lists, remote }),
    trainable: trainableCount(config),
    allreduce: sharded
      ? new AllReduce({ ...common, rank: c.rankNow, onReject: c.onReject, onBytes: c.onBytes, ...(c.onPushed ? { onPushed: c.onPushed } : {}) }, sharded.bufs)
      : undefined,
  };
}

/** [w | m | v] twice, the reduced gradient, a decoded part and this worker's gradient (9 P), kept while P stays the same. */
function shardedMemory(held: Held, spec: pb.JobSpec): ShardedMemory {
  const P = spec.paramCount;
  if (held.sharded?.replica.size !== P) {
    const mem = new FlatMemory(9 * P, spec.chunkBytes);
    held.sharded = { replica: new ReplicaState(P, mem), bufs: { mem, reduced: mem.alloc(P), scratch: mem.alloc(P) }, gradient: mem.alloc(P) };
  }
  return held.sharded;
}
