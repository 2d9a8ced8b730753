// The coordinator's copy of the weights and the optimizer's state (the master), and the version
// the run stands at. The star steps the master itself; after sharded steps the replicas hold the
// current version and the master trails it until refresh() takes a replica's state: for a
// checkpoint, a new worker, or a failed step recomputed through the star.
import type { NatsConnection } from 'nats';
import { InterruptedError, type RejectReason } from '../common/errors.js';
import type { Io } from '../common/console/io.js';
import type { EngineSnapshot } from '../common/train/engine.js';
import type { FlatAdam } from '../common/optim/flat-adam.js';
import { pullTensor } from '../common/wire/chunks.js';
import { checksum, unflatten } from '../common/wire/flat.js';
import { pb } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import type { StepOrigin } from './commands.js';
import type { Registry } from './registry.js';
import type { CoordinatorServer } from './server.js';

export interface MasterContext {
  nc: NatsConnection;
  s: Subjects;
  job: pb.JobSpec;
  server: CoordinatorServer;
  registry: Registry;
  optimizer: FlatAdam;
  io: Io;
  onReject: (reason: RejectReason, detail: string) => void;
  onBytes?: (direction: 'in' | 'out', bytes: number) => void;
}

export class MasterWeights {
  /**
   * Two weight buffers: the optimizer writes version v+1 into the one not being served, so a
   * replica still pulling version v never reads a half-updated vector.
   */
  private readonly buffers: [Float32Array, Float32Array];
  private current: 0 | 1 = 0;
  /** The run's weights version, and its checksum. */
  version = 0;
  sum = 0;
  /** The version this process's buffers and moments hold; after sharded steps it trails `version`. */
  private masterVersion = -1;
  /** Workers (by id) whose replicas hold weights `version` with its moments: those of the last sharded step. */
  private holders = new Set<string>();

  /** `weights`, flat in parameter order, becomes version 0; the master owns it from here. */
  constructor(
    private readonly c: MasterContext,
    weights: Float32Array,
  ) {
    this.buffers = [weights, new Float32Array(weights.length)];
    this.publish(0);
  }

  get size(): number {
    return this.buffers[0].length;
  }

  /** Where the next step starts. */
  get origin(): StepOrigin {
    return { version: this.version, checksum: this.sum, optimizerStep: this.c.optimizer.step };
  }

  /** Whether any of these workers lacks the current version (it would pull it from here). */
  lackedBy(workers: readonly { id: string }[]): boolean {
    return workers.some((w) => !this.holders.has(w.id));
  }

  /**
   * Serves the current buffer as weights version `version` (default: a new one). Versions count
   * publications, not optimizer steps: a failed sharded step's recomputation, say, is published
   * as a new version even though the optimizer counts it once.
   */
  private publish(version = this.version + 1): void {
    const flat = this.buffers[this.current];
    this.version = version;
    this.masterVersion = version;
    this.sum = checksum(flat);
    this.c.server.setWeights(this.version, flat);
    this.c.server.setMoments(this.version, this.c.optimizer.state);
  }

  /** The star: one optimizer step from the step's mean gradient here, served as a new version that only this process holds. */
  applyMean(mean: Float32Array): void {
    const next = this.current === 0 ? 1 : 0;
    this.c.optimizer.apply(this.buffers[this.current], mean, this.buffers[next]);
    this.current = next;
    this.publish();
    this.holders.clear();
  }

  /** The sharded exchange: these workers' replicas stepped to the next version, whose weights have checksum `sum`. */
  advanced(sum: number, holders: readonly { id: string }[]): void {
    this.version += 1;
    this.sum = sum;
    this.c.optimizer.commit();
    this.holders = new Set(holders.map((w) => w.id));
  }

  /**
   * Makes the master hold `version` again after sharded steps: takes the [weights | m | v] of a
   * replica that holds it, checks the weights against the checksum every replica reported, and
   * serves them. With no such replica left, the steps since the last checkpoint are gone, and the
   * run stops rather than continue from older weights.
   */
  async refresh(): Promise<void> {
    if (this.masterVersion === this.version) return;
    const { job, s } = this.c;
    const P = this.size;
    for (const w of this.c.registry.live().filter((x) => this.holders.has(x.id))) {
      try {
        const state = await pullTensor({
          nc: this.c.nc,
          subject: s.state(w.rank),
          job: job.job,
          version: this.version,
          rank: w.rank,
          total: 3 * P,
          codec: pb.Codec.FP32,
          chunkBytes: job.chunkBytes,
          onReject: this.c.onReject,
          onBytes: (b) => this.c.onBytes?.('in', b),
        });
        const weights = state.subarray(0, P);
        if (checksum(weights) !== this.sum) {
          this.c.onReject('checksum', `rank ${w.rank}'s state of v${this.version} fails the replicas' checksum`);
          continue;
        }
        const next = this.current === 0 ? 1 : 0;
        this.buffers[next].set(weights);
        this.current = next;
        this.c.optimizer.state.set(state.subarray(P));
        this.publish(this.version);
        return;
      } catch (e) {
        this.c.io.err(`coordinator: could not take the state of v${this.version} from rank ${w.rank} (${(e as Error).message})`);
      }
    }
    throw new InterruptedError(`every replica that held weights v${this.version} is gone; the run stops at its last checkpoint (resume it with --resume)`);
  }

  /** Copies at the current version: the checkpoint is written while the next steps may already update the buffers. */
  async snapshot(sizes: readonly number[]): Promise<EngineSnapshot> {
    await this.refresh();
    const copy = (a: Float32Array[]) => a.map((x) => x.slice());
    const st = this.c.optimizer.exportState(sizes);
    return { weights: copy(unflatten(this.buffers[this.current], sizes)), optimizer: { step: st.step, m: copy(st.m), v: copy(st.v) } };
  }
}
