// The chunks a worker serves to others, each a request/reply on a subject of its own rank:
// its gradient of the last step (the star's coordinator pulls it; a sharded peer repairs a lost
// reduce-scatter part), the reduced chunks it published (a peer repairing its all-gather), and its
// replica's [weights | m | v] (the coordinator taking a snapshot). What it no longer holds is
// answered as stale, never with other data.
import { ChunkSource } from '../common/wire/chunks.js';
import { CODECS } from '../common/wire/codec.js';
import { encode, pb } from '../common/wire/messages.js';
import type { AllReduce } from './allreduce.js';
import type { ReplicaState } from './replica.js';

export interface ServedState {
  job: string;
  chunkBytes: number;
  /** The star's last gradient. */
  gradSource?: ChunkSource;
  allreduce?: AllReduce;
  replica?: ReplicaState;
}

function stale(req: pb.ChunkRequest, why: string): Uint8Array {
  return encode(pb.TensorChunk, { job: req.job, version: req.version, index: req.index, errorKind: pb.ErrorKind.STALE, error: `stale: ${why}` });
}

/** A chunk of this worker's gradient of step (or exchange) `req.version`. */
export function gradientChunk(st: ServedState, req: pb.ChunkRequest): Uint8Array {
  if (req.job === st.job && st.allreduce?.serves(req.version)) return st.allreduce.serveGradient(req);
  if (!st.gradSource || st.gradSource.version !== req.version || req.job !== st.job) return stale(req, `no gradients for step ${req.version}`);
  return st.gradSource.chunk(req.index);
}

/** A reduced chunk this worker published in the sharded exchange. */
export function reducedChunk(st: ServedState, req: pb.ChunkRequest): Uint8Array {
  return st.allreduce ? st.allreduce.serveReduced(req) : stale(req, 'this job does not use the sharded exchange');
}

/** A chunk of this replica's [weights | m | v] at the version asked for. */
export function stateChunk(st: ServedState, req: pb.ChunkRequest): Uint8Array {
  const held = req.job === st.job ? st.replica?.buffer(req.version) : undefined;
  if (!held) return stale(req, `no state of v${req.version} here`);
  return new ChunkSource(st.job, req.version, held.flat, CODECS.fp32, st.chunkBytes).chunk(req.index);
}
