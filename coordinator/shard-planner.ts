// How each step's global batch is cut among its workers. `equal`: sizes that differ by at most one
// (DDP's and Horovod's rule). `weighted` (the default): sizes in proportion to each worker's
// measured images per compute-second, so a fast worker is not left idle behind a slow one. The
// reduction weights every shard's gradient by its sample count and dropout masks follow sample
// ids, so how a batch is cut changes only float rounding, never the step's mathematics
// (docs/cluster.md, "Shards sized by speed").

export const SHARD_MODES = ['equal', 'weighted'] as const;
export type ShardMode = (typeof SHARD_MODES)[number];
export const DEFAULT_SHARD_MODE: ShardMode = 'weighted';

/**
 * A worker's first measured shard is not counted: it pays tfjs's kernel set-up and the allocator's
 * growth. 16-image shards at 64² on one thread took 1.14 s on native TensorFlow, then 0.68–0.77 s;
 * on wasm 3.00 s, then 2.39–2.62 s.
 */
export const WARMUP_STEPS = 1;
/** Weight of a new measurement in the running estimate: a change under REESTIMATE_FACTOR is 78% absorbed after 3 steps (0.6³ left). */
export const RATE_SMOOTHING = 0.4;
/**
 * A measurement this many times off the estimate replaces it at once: a straggler (a noisy
 * neighbour, a throttled CPU) gets a smaller share from the next step on instead of over several.
 */
export const REESTIMATE_FACTOR = 2;
/**
 * Hysteresis: the cut in use is kept until the best cut at the current rates is predicted to be
 * this much faster. Measured on a native and a wasm worker at 64² batch 32: a band of one image
 * around the ideal sizes kept 7/25 where 6/26 was best (wasm's 7 images 0.678 s, native's 25
 * 0.595 s: 1.14× the ideal step); one image of a small share is 15% of its time.
 */
export const RECUT_GAIN = 0.05;
/** Consecutive steps a worker must be too slow to be worth waiting for before it is reported. */
export const SLOW_REPORT_STEPS = 3;

export interface PlannedWorker {
  id: string;
  rank: number;
}

/** One worker's line of a step's plan: what the live page and the metrics show. */
export interface ShardShare {
  rank: number;
  id: string;
  /** Images of this step's batch. */
  size: number;
  /** size ÷ the batch. */
  share: number;
  /** The estimate the cut used, images per compute-second; undefined while it warms up. */
  rate?: number;
}

/** A worker that stays too slow to be worth waiting for (reported, not dropped). */
export interface SlowWorker {
  id: string;
  rank: number;
  rate: number;
  /** What the rest of the step's workers would take for the whole batch without it, and what its one image takes. */
  othersSeconds: number;
  oneImageSeconds: number;
}

export interface ShardCutter {
  /** Sizes for `workers` (in the given order) of a batch of `n` images; each ≥ 1, summing to n. Needs n ≥ workers.length. */
  cut(workers: readonly PlannedWorker[], n: number): number[];
  /** A worker's shard of `count` images took `seconds` of compute. */
  observe(worker: PlannedWorker, count: number, seconds: number): void;
  forget(id: string): void;
  rateOf(id: string): number | undefined;
  /** After a step's observations: judge its workers (ShardPlanner reports one too slow to be worth waiting for). */
  review?(workers: readonly PlannedWorker[], n: number): void;
}

interface Estimate {
  measured: number;
  rate?: number;
  slowSteps: number;
  reported: boolean;
}

export interface ShardPlannerOptions {
  mode: ShardMode;
  /** Called once when a worker has been too slow to be worth waiting for SLOW_REPORT_STEPS steps in a row, and once when it stops being so. */
  onSlow?: (w: SlowWorker, slow: boolean) => void;
}

/** Contiguous sizes that differ by at most one, larger first. */
export function equalSizes(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i < n % k ? 1 : 0));
}

/**
 * Integer sizes, each ≥ 1, that minimise the slowest worker's time at `rates`: one image at a time
 * to whichever worker would finish it first. Ties go to the earlier worker, so the cut is a
 * function of the rates alone.
 */
export function proportionalSizes(n: number, rates: readonly number[]): number[] {
  const sizes = rates.map(() => 1);
  for (let left = n - rates.length; left > 0; left--) {
    let best = 0;
    for (let i = 1; i < rates.length; i++) if ((sizes[i]! + 1) / rates[i]! < (sizes[best]! + 1) / rates[best]!) best = i;
    sizes[best]! += 1;
  }
  return sizes;
}

export class ShardPlanner implements ShardCutter {
  private readonly estimates = new Map<string, Estimate>();
  /** The last weighted cut, kept while the best cut would be less than RECUT_GAIN faster. */
  private last?: { ids: string; n: number; sizes: number[] };

  constructor(private readonly o: ShardPlannerOptions) {}

  rateOf(id: string): number | undefined {
    return this.estimates.get(id)?.rate;
  }

  cut(workers: readonly PlannedWorker[], n: number): number[] {
    const k = workers.length;
    if (k === 0 || n < k) throw new RangeError(`cannot cut ${n} image(s) among ${k} worker(s)`);
    const known = workers.map((w) => this.rateOf(w.id));
    if (this.o.mode === 'equal' || known.every((r) => r === undefined)) return equalSizes(n, k);
    // A worker still warming up counts as the mean of the measured ones until its own rate is in.
    const measured = known.filter((r): r is number => r !== undefined);
    const mean = measured.reduce((a, r) => a + r, 0) / measured.length;
    const rates = known.map((r) => r ?? mean);
    const ids = workers.map((w) => w.id).join(',');
    const best = proportionalSizes(n, rates);
    // The slowest worker's predicted time: noise moves it a little every step, and a cut is
    // changed only for a real gain, so sizes do not flap.
    const makespan = (sizes: readonly number[]) => Math.max(...sizes.map((s, i) => s / rates[i]!));
    if (this.last && this.last.ids === ids && this.last.n === n && makespan(this.last.sizes) <= makespan(best) * (1 + RECUT_GAIN)) return [...this.last.sizes];
    this.last = { ids, n, sizes: best };
    return [...best];
  }

  observe(worker: PlannedWorker, count: number, seconds: number): void {
    const e = this.estimates.get(worker.id) ?? { measured: 0, slowSteps: 0, reported: false };
    this.estimates.set(worker.id, e);
    e.measured += 1;
    if (e.measured <= WARMUP_STEPS || count <= 0 || !(seconds > 0)) return;
    const r = count / seconds;
    if (e.rate === undefined || r * REESTIMATE_FACTOR < e.rate || r > e.rate * REESTIMATE_FACTOR) e.rate = r;
    else e.rate = (1 - RATE_SMOOTHING) * e.rate + RATE_SMOOTHING * r;
  }

  /**
   * After a step's observations: whether each of its workers is worth waiting for. One is not when
   * even its smallest share, one image, takes longer than the others need for the whole batch: the
   * step would be shorter without it. Reported after SLOW_REPORT_STEPS such steps in a row; it
   * keeps its one image while it makes progress (a dead one is the liveness probe's business).
   */
  review(workers: readonly PlannedWorker[], n: number): void {
    if (this.o.mode === 'equal' || workers.length < 2) return;
    const rates = workers.map((w) => this.rateOf(w.id));
    workers.forEach((w, i) => {
      const e = this.estimates.get(w.id);
      const rate = rates[i];
      if (!e || rate === undefined) return;
      const others = rates.reduce<number>((a, r, j) => a + (j === i ? 0 : (r ?? 0)), 0);
      const othersSeconds = others > 0 ? n / others : Infinity;
      const oneImageSeconds = 1 / rate;
      const slow = oneImageSeconds > othersSeconds;
      e.slowSteps = slow ? e.slowSteps + 1 : 0;
      const report = { id: w.id, rank: w.rank, rate, othersSeconds, oneImageSeconds };
      if (slow && !e.reported && e.slowSteps >= SLOW_REPORT_STEPS) {
        e.reported = true;
        this.o.onSlow?.(report, true);
      } else if (!slow && e.reported) {
        e.reported = false;
        this.o.onSlow?.(report, false);
      }
    });
  }

  forget(id: string): void {
    this.estimates.delete(id);
  }
}

/** A plan's lines for the page and the metrics. */
export function sharesOf(workers: readonly PlannedWorker[], sizes: readonly number[], rateOf: (id: string) => number | undefined): ShardShare[] {
  const n = sizes.reduce((a, s) => a + s, 0);
  return workers.map((w, i) => {
    const rate = rateOf(w.id);
    return { rank: w.rank, id: w.id, size: sizes[i]!, share: n > 0 ? sizes[i]! / n : 0, ...(rate !== undefined ? { rate } : {}) };
  });
}
