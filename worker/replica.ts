// A sharded-exchange replica's full training state: weights and Adam's moments, [w | m | v] in one
// flat buffer, kept for two versions. Every step writes version v + 1 into the buffer not in use,
// so the replica still holds v when a step fails anywhere in the cluster and is recomputed from v,
// and a reader of v (the coordinator taking a snapshot) never sees a half-written vector.
import type { FlatMemory } from '../common/kernels/flat-kernels.js';
import type { AdamVectors } from '../common/optim/adam.js';

export interface HeldVersion {
  version: number;
  /** checksum() of the weights part: versions are only ever matched together with it. */
  checksum: number;
  /** Adam steps the moments have taken. */
  adamStep: number;
}

const NONE: HeldVersion = { version: -1, checksum: 0, adamStep: 0 };

export class ReplicaState {
  private readonly bufs: [Float32Array, Float32Array];
  private held: [HeldVersion, HeldVersion] = [NONE, NONE];
  private cur: 0 | 1 = 0;

  /** The buffers come from `mem`, where the exchange's kernels run over them. */
  constructor(
    readonly size: number,
    mem: FlatMemory,
  ) {
    this.bufs = [mem.alloc(3 * size), mem.alloc(3 * size)];
  }

  private get other(): 0 | 1 {
    return this.cur === 0 ? 1 : 0;
  }

  private views(i: 0 | 1): AdamVectors {
    const b = this.bufs[i];
    const n = this.size;
    return { w: b.subarray(0, n), m: b.subarray(n, 2 * n), v: b.subarray(2 * n) };
  }

  get current(): HeldVersion {
    return this.held[this.cur];
  }

  /** The weights, moments and version in use. */
  get state(): AdamVectors {
    return this.views(this.cur);
  }

  /**
   * Whether (version, checksum) is held; the previous buffer becomes current again if it is that
   * one (a failed step recomputed from the version before it).
   */
  holds(version: number, checksum: number): boolean {
    const match = (h: HeldVersion) => h.version === version && h.checksum === checksum;
    if (match(this.held[this.cur])) return true;
    if (!match(this.held[this.other])) return false;
    this.cur = this.other;
    return true;
  }

  /** The buffer the next version is written into; it stops counting as held until commit(). */
  next(): AdamVectors {
    this.held[this.other] = NONE;
    return this.views(this.other);
  }

  /** The buffer next() returned now holds `h`, and is the one in use. */
  commit(h: HeldVersion): void {
    this.cur = this.other;
    this.held[this.cur] = h;
  }

  /** The whole [w | m | v] buffer holding `version`, for a peer or the coordinator to pull; undefined if none does. */
  buffer(version: number): { flat: Float32Array; held: HeldVersion } | undefined {
    for (const i of [this.cur, this.other]) if (this.held[i].version === version) return { flat: this.bufs[i], held: this.held[i] };
    return undefined;
  }

  /** Forgets both versions (a rejoin: the coordinator's numbering may have started again). */
  reset(): void {
    this.held = [NONE, NONE];
  }
}
