// Which weights a worker's model and training state hold, and how it comes to hold the version a
// command names: it holds it already (the sharded exchange made it here), or it pulls it from the
// coordinator, proven by checksum. Versions are only ever matched together with their checksum.
import type { NatsConnection } from 'nats';
import { ProtocolError, type RejectReason } from '../common/errors.js';
import type { Net } from '../common/model/net.js';
import { pullTensor } from '../common/wire/chunks.js';
import { checksum, unflatten } from '../common/wire/flat.js';
import { pb } from '../common/wire/messages.js';
import type { Subjects } from '../common/wire/subjects.js';
import type { ReplicaState } from './replica.js';

export interface WeightSyncContext {
  nc: NatsConnection;
  s: Subjects;
  job: pb.JobSpec;
  rank: number;
  model: Net;
  /** Parameter sizes in order: how the flat vector is cut into the model's tensors. */
  sizes: number[];
  /** The sharded exchange's training state; absent in the star, where the model alone holds the weights. */
  replica?: ReplicaState;
  onReject: (reason: RejectReason, detail: string) => void;
  onBytesIn: (bytes: number) => void;
}

interface Held {
  version: number;
  checksum: number;
}

export class WeightSync {
  /** The version the last command made this worker hold (-1: none since it joined). */
  private version = -1;
  /** The (version, checksum) whose weights the model's tensors hold. */
  private modelHolds?: Held;
  /** The version the model must hold before it next computes (a sharded replica's; syncModel). */
  private modelWanted?: Held;

  constructor(private readonly c: WeightSyncContext) {}

  /** What a ping reports. */
  get paramsVersion(): number {
    return Math.max(0, this.version);
  }

  /**
   * Makes the replica hold exactly weights `version`, proven by checksum. A sharded replica pulls
   * the optimizer's moments with them, so its next step's update is every other replica's.
   */
  async ensure(version: number, sum: number, adamStep: number, use: 'train' | 'eval'): Promise<void> {
    const { replica: rep, model, sizes } = this.c;
    // Evaluation needs only the weights: a sharded replica that lacks them does not take them into
    // its training state, whose moments would be missing.
    if (rep && use === 'eval' && !rep.holds(version, sum)) {
      if (this.modelHolds?.version === version && this.modelHolds.checksum === sum) return;
      model.setWeights(unflatten(await this.pullWeights(version, sum, new Float32Array(this.c.job.paramCount)), sizes));
      this.modelHolds = { version, checksum: sum };
      this.modelWanted = this.modelHolds;
      return;
    }
    if (!rep) {
      if (this.version === version) return;
      model.setWeights(unflatten(await this.pullWeights(version, sum, new Float32Array(this.c.job.paramCount)), sizes));
      this.version = version;
      return;
    }
    if (!rep.holds(version, sum)) {
      const to = rep.next();
      await this.pullWeights(version, sum, to.w);
      if (adamStep > 0) {
        const P = this.c.job.paramCount;
        const moments = await this.pull(this.c.s.adam, version, 2 * P);
        to.m.set(moments.subarray(0, P));
        to.v.set(moments.subarray(P));
      } else {
        to.m.fill(0);
        to.v.fill(0);
      }
      rep.commit({ version, checksum: sum, adamStep });
    }
    this.modelWanted = { version, checksum: sum };
    this.version = version;
  }

  /**
   * The tfjs model takes the replica's weights when it is about to compute with them, not when the
   * exchange makes them: a real step pays for the copy in its compute (64.6 MB at the seed's size:
   * 84 ms a step on wasm), and a synthetic-gradient step (bench exchange) never does.
   */
  syncModel(): void {
    const want = this.modelWanted;
    const rep = this.c.replica;
    if (!want || !rep || (this.modelHolds?.version === want.version && this.modelHolds.checksum === want.checksum)) return;
    if (!rep.holds(want.version, want.checksum)) throw new ProtocolError('refused', `the replica no longer holds weights ${want.version}`);
    this.c.model.setWeights(unflatten(rep.state.w, this.c.sizes));
    this.modelHolds = want;
  }

  private pull(subject: string, version: number, total: number, into?: Float32Array): Promise<Float32Array> {
    const { nc, job, rank } = this.c;
    return pullTensor({
      nc,
      subject,
      job: job.job,
      version,
      rank,
      total,
      codec: pb.Codec.FP32,
      chunkBytes: job.chunkBytes,
      into,
      onReject: this.c.onReject,
      onBytes: this.c.onBytesIn,
    });
  }

  /** The coordinator's weights `version` into `into`, checked against `sum` (one retry on a mismatch). */
  private async pullWeights(version: number, sum: number, into: Float32Array): Promise<Float32Array> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const flat = await this.pull(this.c.s.weights, version, this.c.job.paramCount, into);
      if (checksum(flat) === sum) return flat;
      this.c.onReject('checksum', `weights v${version} checksum ${checksum(flat)} != ${sum}; resyncing`);
    }
    throw new ProtocolError('checksum', `weights v${version} failed their checksum twice`);
  }
}
