// The seam between the cluster's engine and its two exchange strategies (star.ts, sharded.ts):
// what a strategy may use of the engine to run one synchronous step, and what it returns.
import type { RejectReason } from '../../common/errors.js';
import type { Io } from '../../common/console/io.js';
import type { FlatAdam } from '../../common/optim/flat-adam.js';
import type { StepStats } from '../../common/train/engine.js';
import type { pb } from '../../common/wire/messages.js';
import type { WorkerCommands } from '../commands.js';
import type { MasterWeights } from '../master.js';
import type { Registry, WorkerInfo } from '../registry.js';
import type { ShardCutter, ShardShare } from '../shard-planner.js';

export interface WorkerStepStats {
  rank: number;
  count: number;
  computeSeconds: number;
  bytes: number;
  /** Sharded exchange: chunks the worker asked for again in this step. */
  repairs?: number;
}

export interface ClusterEngineHooks {
  onReject: (reason: RejectReason, detail: string) => void;
  onWorkerLost: (w: WorkerInfo, why: string) => void;
  onWorkerStep?: (s: WorkerStepStats) => void;
  onBytes?: (direction: 'in' | 'out', bytes: number) => void;
  /** After a step is applied and its weights published: every shard's result (bench exchange reads their timings). */
  onStepResults?: (results: pb.StepResult[]) => void;
  /** Each step's cut, before its commands go out: every worker's images, share and the rate it was sized by. */
  onPlan?: (shares: ShardShare[]) => void;
}

/** One synchronous step to run: the global batch (indices into the train split) and its dropout seed. */
export interface StepRequest {
  epoch: number;
  global: number[];
  dropoutSeed: number;
}

export interface StepContext {
  readonly job: pb.JobSpec;
  readonly registry: Registry;
  readonly cutter: ShardCutter;
  readonly optimizer: FlatAdam;
  readonly io: Io;
  readonly hooks: ClusterEngineHooks;
  readonly master: MasterWeights;
  readonly commands: WorkerCommands;
  /** The live workers, after waiting for one if none is. */
  liveWorkers(): Promise<WorkerInfo[]>;
  /** The step's workers and their shards, in rank order, journaled before any command goes out. */
  cutStep(live: readonly WorkerInfo[], global: number[]): Promise<{ workers: WorkerInfo[]; shards: number[][] }>;
  /** Drops a worker from the run (it rejoins with a fresh replica if it is alive after all). */
  lose(w: WorkerInfo, why: string): void;
  /** Counts what a step used: the workers that took part and the images they could not decode. */
  tally(workers: number, skipped: number): void;
}

/** How a step's gradients meet: through the coordinator (star), or among the workers (sharded). */
export interface ExchangeStrategy {
  step(req: StepRequest): Promise<StepStats>;
}
