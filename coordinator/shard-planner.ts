// How each step's global batch is cut among its workers. `equal`: sizes that differ by at most one
// (DDP's and Horovod's rule). `weighted` (the default): sizes that make every worker's predicted
// compute take the same time, from a model of each worker's time fitted to its recent shards (a
// fixed cost per step plus a cost per image), so a fast worker is not left idle behind a slow one. The
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
/** Weight of a new shard in a worker's fit (older shards count 0.6× each step): a change under REESTIMATE_FACTOR is 78% absorbed after 3 steps. */
export const RATE_SMOOTHING = 0.4;
/**
 * A shard whose time is this many times off the prediction rescales the worker's model at once:
 * a straggler (a noisy neighbour, a throttled CPU) gets a smaller share from the next step on.
 * The model's shape (its fixed cost against its cost per image) is kept, only its level moves.
 */
export const REESTIMATE_FACTOR = 2;
/**
 * A fixed cost is fitted only once a worker's recent sizes differ (variance of at least this, in
 * images²); until then its time counts as proportional to its images. Without the fixed cost, a
 * worker handed one image of four at 16 px (about 30 ms a step, nearly all of it fixed) looked
 * 3× slower per image than at two and was kept at one image, and reported as too slow: the suite
 * caught it.
 */
export const MIN_SIZE_VARIANCE = 0.2;
/** The fitted cost per image stays at least this share of the worker's mean cost per image: a flat fit from noisy tiny shards must not make images look free. */
export const PER_IMAGE_FLOOR = 0.02;
/**
 * Hysteresis: the cut in use is kept until the best cut at the current rates is predicted to be
 * this much faster. Measured on a native and a wasm worker at 64² batch 32: a band of one image
 * around the ideal sizes kept 7/25 where 6/26 was best (wasm's 7 images 0.678 s, native's 25
 * 0.595 s: 1.14× the ideal step); one image of a small share is 15% of its time.
 */
export const RECUT_GAIN = 0.05;
/**
 * A worker is too slow to be worth waiting for when its one image takes this many times what the
 * others need for the whole batch. Where a step is nearly all fixed cost (16 px: ~30 ms whatever
 * the shard), one image and a whole batch take about the same time, and without a margin noise
 * alone reported an ordinary worker (the live-page test, in CI).
 */
export const SLOW_MARGIN = 1.5;
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
  /** The worker's predicted images per compute-second at this size; undefined while it warms up. */
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
  /** Images per compute-second at `images` (default: its recent shards' size). */
  rateOf(id: string, images?: number): number | undefined;
  /** After a step's observations: judge its workers (ShardPlanner reports one too slow to be worth waiting for). */
  review?(workers: readonly PlannedWorker[], n: number): void;
}

/** A worker's compute seconds for s images: fixed + perImage × s. */
export interface TimeModel {
  fixed: number;
  perImage: number;
}

/** Decayed sums over a worker's measured shards (s images in t seconds): weight, Σs, Σt, Σs², Σst. */
interface Sums {
  w: number;
  s: number;
  t: number;
  ss: number;
  st: number;
}

interface Estimate {
  measured: number;
  sums?: Sums;
  model?: TimeModel;
  slowSteps: number;
  reported: boolean;
}

export const timeOf = (m: TimeModel, images: number) => m.fixed + m.perImage * images;

/** Least squares of time on images over the decayed sums, kept to a non-negative fixed cost and a per-image cost above PER_IMAGE_FLOOR of the mean. */
export function fitTimeModel(x: Sums): TimeModel {
  const ms = x.s / x.w;
  const mt = x.t / x.w;
  const proportional = { fixed: 0, perImage: x.st / x.ss };
  const variance = x.ss / x.w - ms * ms;
  if (variance < MIN_SIZE_VARIANCE) return proportional;
  const perImage = Math.max((x.st / x.w - ms * mt) / variance, (PER_IMAGE_FLOOR * mt) / ms);
  const fixed = mt - perImage * ms;
  return fixed >= 0 ? { fixed, perImage } : proportional;
}

export interface ShardPlannerOptions {
  mode: ShardMode;
  /** Fewest images a weighted cut gives a worker, where the batch allows (BatchNorm: micro-batch.ts's BATCH_NORM_MIN_PASS); default 1. */
  minShard?: number;
  /** Called once when a worker has been too slow to be worth waiting for SLOW_REPORT_STEPS steps in a row, and once when it stops being so. */
  onSlow?: (w: SlowWorker, slow: boolean) => void;
}

/** Contiguous sizes that differ by at most one, larger first. */
export function equalSizes(n: number, k: number): number[] {
  const base = Math.floor(n / k);
  return Array.from({ length: k }, (_, i) => base + (i < n % k ? 1 : 0));
}

/**
 * Integer sizes, each ≥ 1, that minimise the slowest worker's predicted time: one image at a time
 * to whichever worker would finish it first. Ties go to the earlier worker, so the cut is a
 * function of the models alone.
 */
export function bestSizes(n: number, models: readonly TimeModel[], minShard = 1): number[] {
  // The floor holds where the batch allows it; a smaller batch is cut as evenly as it can be.
  const floor = Math.max(1, Math.min(minShard, Math.floor(n / models.length)));
  const sizes = models.map(() => floor);
  for (let left = n - floor * models.length; left > 0; left--) {
    let best = 0;
    for (let i = 1; i < models.length; i++) if (timeOf(models[i]!, sizes[i]! + 1) < timeOf(models[best]!, sizes[best]! + 1)) best = i;
    sizes[best]! += 1;
  }
  return sizes;
}

/** Integer sizes at constant rates (images per second): bestSizes with no fixed cost. */
export function proportionalSizes(n: number, rates: readonly number[]): number[] {
  return bestSizes(
    n,
    rates.map((r) => ({ fixed: 0, perImage: 1 / r })),
  );
}

/** The slowest worker's predicted seconds for `sizes`. */
const makespan = (sizes: readonly number[], models: readonly TimeModel[]) => Math.max(...sizes.map((s, i) => timeOf(models[i]!, s)));

export class ShardPlanner implements ShardCutter {
  private readonly estimates = new Map<string, Estimate>();
  /** The last weighted cut, kept while the best cut would be less than RECUT_GAIN faster. */
  private last?: { ids: string; n: number; sizes: number[] };

  constructor(private readonly o: ShardPlannerOptions) {}

  /** The worker's fitted time model; undefined while it warms up. */
  modelOf(id: string): TimeModel | undefined {
    return this.estimates.get(id)?.model;
  }

  /** Images per compute-second at `images` (default: its last shard's size, from the fit). */
  rateOf(id: string, images?: number): number | undefined {
    const e = this.estimates.get(id);
    if (!e?.model || !e.sums) return undefined;
    const at = images ?? Math.max(1, Math.round(e.sums.s / e.sums.w));
    return at / timeOf(e.model, at);
  }

  cut(workers: readonly PlannedWorker[], n: number): number[] {
    const k = workers.length;
    if (k === 0 || n < k) throw new RangeError(`cannot cut ${n} image(s) among ${k} worker(s)`);
    const known = workers.map((w) => this.modelOf(w.id));
    if (this.o.mode === 'equal' || known.every((m) => m === undefined)) return equalSizes(n, k);
    // A worker still warming up counts as the mean of the measured ones until its own model is in.
    const measured = known.filter((m): m is TimeModel => m !== undefined);
    const mean = {
      fixed: measured.reduce((a, m) => a + m.fixed, 0) / measured.length,
      perImage: measured.reduce((a, m) => a + m.perImage, 0) / measured.length,
    };
    const models = known.map((m) => m ?? mean);
    const ids = workers.map((w) => w.id).join(',');
    const best = bestSizes(n, models, this.o.minShard);
    // Noise moves the predictions a little every step; a cut is changed only for a real gain, so
    // sizes do not flap.
    if (this.last && this.last.ids === ids && this.last.n === n && makespan(this.last.sizes, models) <= makespan(best, models) * (1 + RECUT_GAIN))
      return [...this.last.sizes];
    this.last = { ids, n, sizes: best };
    return [...best];
  }

  observe(worker: PlannedWorker, count: number, seconds: number): void {
    const e = this.estimates.get(worker.id) ?? { measured: 0, slowSteps: 0, reported: false };
    this.estimates.set(worker.id, e);
    e.measured += 1;
    if (e.measured <= WARMUP_STEPS || count <= 0 || !(seconds > 0)) return;
    const x = e.sums ?? { w: 0, s: 0, t: 0, ss: 0, st: 0 };
    const predicted = e.model ? timeOf(e.model, count) : undefined;
    // Far off the prediction: the worker got slower or faster as a whole; rescale its past times.
    const scale = predicted !== undefined && (seconds > predicted * REESTIMATE_FACTOR || seconds * REESTIMATE_FACTOR < predicted) ? seconds / predicted : 1;
    const keep = 1 - RATE_SMOOTHING;
    e.sums = {
      w: keep * x.w + 1,
      s: keep * x.s + count,
      t: keep * x.t * scale + seconds,
      ss: keep * x.ss + count * count,
      st: keep * x.st * scale + count * seconds,
    };
    e.model = fitTimeModel(e.sums);
  }

  /**
   * After a step's observations: whether each of its workers is worth waiting for. One is not when
   * even its smallest share, one image, takes SLOW_MARGIN times what the others need for the whole
   * batch: the step would be much shorter without it. Reported after SLOW_REPORT_STEPS such steps in a row; it
   * keeps its one image while it makes progress (a dead one is the liveness probe's business).
   */
  review(workers: readonly PlannedWorker[], n: number): void {
    if (this.o.mode === 'equal' || workers.length < 2) return;
    const models = workers.map((w) => this.modelOf(w.id));
    workers.forEach((w, i) => {
      const e = this.estimates.get(w.id);
      const model = models[i];
      if (!e || !model) return;
      const others = models.filter((m, j): m is TimeModel => j !== i && m !== undefined);
      const othersSeconds = others.length > 0 && n >= others.length ? makespan(bestSizes(n, others), others) : Infinity;
      const oneImageSeconds = timeOf(model, 1);
      const slow = oneImageSeconds > SLOW_MARGIN * othersSeconds;
      e.slowSteps = slow ? e.slowSteps + 1 : 0;
      const report = { id: w.id, rank: w.rank, rate: 1 / oneImageSeconds, othersSeconds, oneImageSeconds };
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
export function sharesOf(
  workers: readonly PlannedWorker[],
  sizes: readonly number[],
  rateOf: (id: string, images: number) => number | undefined,
): ShardShare[] {
  const n = sizes.reduce((a, s) => a + s, 0);
  return workers.map((w, i) => {
    const rate = rateOf(w.id, sizes[i]!);
    return { rank: w.rank, id: w.id, size: sizes[i]!, share: n > 0 ? sizes[i]! / n : 0, ...(rate !== undefined ? { rate } : {}) };
  });
}

/** Splits `items` into `n` contiguous shards whose sizes differ by at most one. */
export function shard<T>(items: readonly T[], n: number): T[][] {
  return cutBySizes(items, equalSizes(items.length, n));
}

/** Splits `items` into contiguous shards of `sizes` (which sum to its length). */
export function cutBySizes<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  let off = 0;
  return sizes.map((n) => items.slice(off, (off += n)));
}
