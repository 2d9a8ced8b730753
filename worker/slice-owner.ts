// The worker's half of the sharded exchange (docs/cluster.md): as the owner of one slice of the
// flat parameter vector it pulls that slice of every peer's gradient, reduces it in rank order,
// applies Adam to it with its own moments, and serves the reduced slice (to the coordinator's
// mirror) and the new weights slice (to the other replicas). The moments are only trusted for the
// (slice, version) the coordinator last committed; otherwise they are pulled from the mirror.
import type { NatsConnection } from 'nats';
import { ProtocolError, type RejectReason } from '../common/errors.js';
import { FlatAdam } from '../common/train/flat-adam.js';
import { ChunkSource, planChunks, pullTensor } from '../common/wire/chunks.js';
import { CODECS, codecFor } from '../common/wire/codec.js';
import { checksum, firstNonFinite } from '../common/wire/flat.js';
import { encode, pb } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';

export interface SliceOwnerContext {
  nc: NatsConnection;
  s: Subjects;
  job: pb.JobSpec;
  rank: () => number;
  /** This worker's gradient, served under `version` on its grad subject. */
  gradient: () => { version: number; flat: Float32Array } | undefined;
  /** The replica's flat weights at `version` (the owner updates its slice of them in place). */
  weights: () => { version: number; flat: Float32Array };
  onReject: (reason: RejectReason, detail: string) => void;
  onBytes: (direction: 'in' | 'out', bytes: number) => void;
}

export class SliceOwner {
  private readonly adam: FlatAdam;
  private readonly reduced: Float32Array;
  private readonly scratch: Float32Array;
  /** The slice and version whose moments this owner holds, once the coordinator committed them. */
  private trusted?: { start: number; end: number; version: number };
  private pending?: { start: number; end: number; version: number };
  private rgrad?: ChunkSource;
  private wslice?: ChunkSource;

  constructor(private readonly c: SliceOwnerContext) {
    this.adam = new FlatAdam(c.job.learningRate, c.job.paramCount);
    this.reduced = new Float32Array(c.job.paramCount);
    this.scratch = new Float32Array(c.job.paramCount);
  }

  /** A step command lists the committed slices of its weights version: ours, if listed, is trusted. */
  onCommit(version: number, slices: pb.SliceSource[]): void {
    const mine = slices.find((x) => x.rank === this.c.rank());
    const p = this.pending;
    this.trusted = p && mine && p.version === version && p.start === mine.start && p.end === mine.end ? p : undefined;
    this.pending = undefined;
  }

  /** Serves a chunk of the reduced-gradient or new-weights slice. */
  serve(kind: 'rgrad' | 'wslice', req: pb.ChunkRequest): Uint8Array {
    const src = kind === 'rgrad' ? this.rgrad : this.wslice;
    if (!src || src.version !== req.version || req.job !== this.c.job.job) {
      return encode(pb.TensorChunk, { job: req.job, version: req.version, index: req.index, errorKind: pb.ErrorKind.STALE, error: `stale: no ${kind} slice for v${req.version}` });
    }
    return src.chunk(req.index);
  }

  async reduce(cmd: pb.ReduceCommand): Promise<pb.IReduceResult> {
    const { job } = this.c;
    const rank = this.c.rank();
    const mine = this.c.gradient();
    const peers = cmd.peers as pb.ReducePeer[];
    const self = peers.find((p) => p.rank === rank);
    if (!self || !mine || mine.version !== self.gradVersion) throw new ProtocolError('stale', `no gradient v${self?.gradVersion} to reduce (holding ${mine?.version})`);
    const w = this.c.weights();
    if (w.version !== cmd.version) throw new ProtocolError('stale', `replica holds weights v${w.version}, reduce is for v${cmd.version}`);
    const { start, end } = cmd;
    if (!(start < end && end <= job.paramCount)) throw new ProtocolError('malformed', `slice [${start}, ${end}) outside 0..${job.paramCount}`);
    const codec = codecFor(job.gradientCodec);
    const plan = planChunks(job.paramCount, codec, job.chunkBytes);
    const chunks = { first: Math.floor(start / plan.perChunk), end: Math.ceil(end / plan.perChunk) };
    // Rank order, like the star's reducer: the sum does not depend on who answered first.
    let first = true;
    for (const p of [...peers].sort((a, b) => a.rank - b.rank)) {
      if (p.count === 0) continue;
      let g: Float32Array;
      if (p.rank === rank) g = mine.flat;
      else {
        g = await pullTensor({
          nc: this.c.nc, subject: this.c.s.grad(p.rank), job: job.job, version: p.gradVersion, rank, total: job.paramCount,
          codec: job.gradientCodec, chunkBytes: job.chunkBytes, chunks, into: this.scratch,
          onReject: this.c.onReject, onBytes: (b) => this.c.onBytes('in', b),
        });
      }
      const k = p.count / cmd.total;
      const r = this.reduced;
      // One pass per peer: the finiteness check rides along with the sum (16 M elements a step).
      let bad = -1;
      if (first) {
        for (let i = start; i < end; i++) {
          const x = g[i]!;
          if (x - x !== 0 && bad < 0) bad = i;
          r[i] = k * x;
        }
      } else {
        for (let i = start; i < end; i++) {
          const x = g[i]!;
          if (x - x !== 0 && bad < 0) bad = i;
          r[i] = r[i]! + k * x;
        }
      }
      if (bad >= 0) return { job: job.job, seq: cmd.seq, rank, error: `non-finite gradient from rank ${p.rank} at element ${bad}`, badPeer: p.rank + 1 };
      first = false;
    }
    if (first) this.reduced.fill(0, start, end);
    await this.ensureMoments(start, end, cmd.version, cmd.adamStep);
    this.adam.step = cmd.adamStep;
    this.adam.applySlice(w.flat, this.reduced, w.flat, start, end);
    this.pending = { start, end, version: cmd.version + 1 };
    this.trusted = undefined;
    const rslice = this.reduced.subarray(start, end);
    const wslice = w.flat.subarray(start, end);
    if (firstNonFinite(wslice) >= 0) throw new ProtocolError('non-finite', `weights slice [${start}, ${end}) became non-finite`);
    this.rgrad = new ChunkSource(job.job, cmd.version + 1, rslice, CODECS.fp32!, job.chunkBytes);
    // Every other replica pulls the same bytes: encode each chunk once.
    this.wslice = new ChunkSource(job.job, cmd.version + 1, wslice, CODECS.fp32!, job.chunkBytes, true);
    return { job: job.job, seq: cmd.seq, rank, gradChecksum: checksum(rslice), weightsChecksum: checksum(wslice) };
  }

  /**
   * Moments for [start, end) at `version`: ours if committed for exactly that, zeros before Adam's
   * first step, else the coordinator's mirror. (Not "at version 0": a coordinator resumed from a
   * checkpoint publishes its restored moments as version 0.)
   */
  private async ensureMoments(start: number, end: number, version: number, adamStep: number): Promise<void> {
    const t = this.trusted;
    if (t && t.start === start && t.end === end && t.version === version) return;
    if (adamStep === 0) {
      this.adam.m.fill(0, start, end);
      this.adam.v.fill(0, start, end);
      return;
    }
    const P = this.c.job.paramCount;
    const plan = planChunks(2 * P, CODECS.fp32!, this.c.job.chunkBytes);
    for (const [a, b] of [[start, end], [P + start, P + end]] as const) {
      await pullTensor({
        nc: this.c.nc, subject: this.c.s.adam, job: this.c.job.job, version, rank: this.c.rank(), total: 2 * P,
        codec: pb.Codec.FP32, chunkBytes: this.c.job.chunkBytes, chunks: { first: Math.floor(a / plan.perChunk), end: Math.ceil(b / plan.perChunk) },
        into: this.adam.state, onReject: this.c.onReject, onBytes: (n) => this.c.onBytes('in', n),
      });
    }
  }
}
