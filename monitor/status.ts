// What a run looks like right now, for the live page (GET /) and GET /status.json: the same numbers
// the Prometheus series carry, kept as a small history so a browser can draw curves without a
// Prometheus. Updated from the training loop's hooks and, in a cluster, from each shard's result.

import type { EpochReport } from '../common/run/report.js';

/** Steps kept for the per-step curves: a seed epoch at batch 32 is ~190 steps, so several epochs' worth. */
export const STATUS_STEPS_KEPT = 2000;

export interface StepPoint {
  step: number;
  epoch: number;
  loss: number;
  imagesPerSecond: number;
  computeSeconds: number;
  exchangeSeconds: number;
}

/** An epoch's report line without its duration. */
export type EpochPoint = Omit<EpochReport, 'seconds'>;

export interface WorkerRow {
  rank: number;
  host: string;
  backend: string;
  /** Images over compute seconds in its last shard. */
  imagesPerSecond: number;
  images: number;
  /** Its part of the last step's batch (0..1) and how many images that was. */
  share: number;
  shard: number;
  /** The estimate its share was sized by, images per compute-second; null while it warms up (shard-planner.ts). */
  rate: number | null;
  /** Too slow to be worth waiting for (reported, still in the step). */
  slow: boolean;
  /** ms since the epoch when its last result arrived. */
  lastSeen: number;
}

export interface StatusJson {
  job: string;
  kind: 'train' | 'cluster';
  startedAt: string;
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  loss: number | null;
  imagesPerSecond: number | null;
  testAccuracy: number | null;
  fps: number | null;
  finished: boolean;
  workers: WorkerRow[];
  history: EpochPoint[];
  steps: StepPoint[];
}

export class RunStatus {
  private readonly s: StatusJson;
  private readonly workers = new Map<number, WorkerRow>();

  constructor(o: { job: string; kind: 'train' | 'cluster'; epochs: number; stepsPerEpoch: number }) {
    this.s = {
      ...o,
      startedAt: new Date().toISOString(),
      epoch: 0,
      step: 0,
      loss: null,
      imagesPerSecond: null,
      testAccuracy: null,
      fps: null,
      finished: false,
      workers: [],
      history: [],
      steps: [],
    };
  }

  /** Known once the dataset is indexed. */
  plan(stepsPerEpoch: number): void {
    this.s.stepsPerEpoch = stepsPerEpoch;
  }

  onStep(x: { epoch: number; step: number; loss: number; count: number; computeSeconds: number; exchangeSeconds: number }): void {
    const seconds = x.computeSeconds + x.exchangeSeconds;
    const ips = seconds > 0 ? x.count / seconds : 0;
    this.s.epoch = x.epoch;
    this.s.step = x.step;
    this.s.loss = x.loss;
    this.s.imagesPerSecond = ips;
    this.s.steps.push({
      step: x.step,
      epoch: x.epoch,
      loss: x.loss,
      imagesPerSecond: ips,
      computeSeconds: x.computeSeconds,
      exchangeSeconds: x.exchangeSeconds,
    });
    if (this.s.steps.length > STATUS_STEPS_KEPT) this.s.steps.splice(0, this.s.steps.length - STATUS_STEPS_KEPT);
  }

  onEpoch(e: EpochPoint): void {
    this.s.history.push({
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      trainAccuracy: e.trainAccuracy,
      valLoss: e.valLoss,
      valAccuracy: e.valAccuracy,
      imagesPerSecond: e.imagesPerSecond,
    });
  }

  onTest(r: { accuracy: number; fps: number }): void {
    this.s.testAccuracy = r.accuracy;
    this.s.fps = r.fps;
  }

  private row(rank: number): WorkerRow {
    const row = this.workers.get(rank) ?? {
      rank,
      host: '?',
      backend: '?',
      imagesPerSecond: 0,
      images: 0,
      share: 0,
      shard: 0,
      rate: null,
      slow: false,
      lastSeen: 0,
    };
    this.workers.set(rank, row);
    return row;
  }

  /** A step's cut: each worker's share and the rate it was sized by. */
  onPlan(shares: readonly { rank: number; size: number; share: number; rate?: number }[]): void {
    for (const x of shares) {
      const row = this.row(x.rank);
      row.share = x.share;
      row.shard = x.size;
      row.rate = x.rate ?? null;
    }
  }

  onSlow(rank: number, slow: boolean): void {
    this.row(rank).slow = slow;
  }

  onWorkerStep(w: { rank: number; host: string; backend: string; count: number; computeSeconds: number }): void {
    const row = this.row(w.rank);
    row.host = w.host;
    row.backend = w.backend;
    row.images += w.count;
    row.imagesPerSecond = w.computeSeconds > 0 ? w.count / w.computeSeconds : 0;
    row.lastSeen = Date.now();
  }

  onWorkerLost(rank: number): void {
    this.workers.delete(rank);
  }

  finish(): void {
    this.s.finished = true;
  }

  toJSON(): StatusJson {
    return { ...this.s, workers: [...this.workers.values()].sort((a, b) => a.rank - b.rank) };
  }
}
