// The star exchange: every worker computes its shard and keeps the gradient; the coordinator pulls
// each one, reduces them to the exact mean in shard order (common/reduce/mean.ts), steps the master
// and serves the new weights. A failed shard moves to another worker within the step
// (retry-policy.ts), so the step's result does not depend on who computed what.
import type { StepStats } from '../../common/train/engine.js';
import { TimeoutError } from '../../common/errors.js';
import { assertFinite, reduceMean, type Contribution } from '../../common/reduce/mean.js';
import { pullTensor } from '../../common/wire/chunks.js';
import { checksum } from '../../common/wire/flat.js';
import { pb } from '../../common/wire/messages.js';
import type { NatsConnection } from 'nats';
import type { Subjects } from '../../common/wire/subjects.js';
import { WorkerLost } from '../liveness.js';
import type { WorkerInfo } from '../registry.js';
import { classifyShardFailure, decideShardFailure, MISBEHAVIOUR } from '../retry-policy.js';
import type { ExchangeStrategy, StepContext, StepRequest } from './context.js';

export class StarExchange implements ExchangeStrategy {
  /** The reduced gradient, reused each step. */
  private readonly mean: Float32Array;

  constructor(
    private readonly c: StepContext,
    private readonly nc: NatsConnection,
    private readonly s: Subjects,
  ) {
    this.mean = new Float32Array(c.job.paramCount);
  }

  /** Commands one shard, then pulls the whole gradient here. */
  private async gradientOf(w: WorkerInfo, indices: number[], req: StepRequest): Promise<{ c: Contribution; r: pb.StepResult }> {
    const { job, hooks, commands } = this.c;
    const r = await commands.step(w, this.c.master.origin, { indices, epoch: req.epoch, dropoutSeed: req.dropoutSeed });
    let pulled = 0;
    const gradient = await pullTensor({
      nc: this.nc,
      subject: this.s.grad(w.rank),
      job: job.job,
      version: r.step,
      rank: w.rank,
      total: job.paramCount,
      codec: job.gradientCodec,
      chunkBytes: job.chunkBytes,
      onReject: hooks.onReject,
      onBytes: (b) => {
        pulled += b;
        hooks.onBytes?.('in', b);
      },
    }).catch((e: unknown) => {
      throw e instanceof TimeoutError ? new WorkerLost(w, e.message) : e;
    });
    commands.check([
      [
        job.gradientCodec !== pb.Codec.FP32 || checksum(gradient) === r.checksum,
        'checksum',
        `rank ${w.rank} gradient checksum mismatch`,
        `rank ${w.rank} gradient arrived corrupted`,
      ],
    ]);
    commands.checked(() => assertFinite(gradient, `gradient from rank ${w.rank}`));
    hooks.onWorkerStep?.({ rank: w.rank, count: r.count, computeSeconds: r.computeSeconds, bytes: pulled });
    return { c: { rank: w.rank, count: r.count, gradient }, r };
  }

  async step(req: StepRequest): Promise<StepStats> {
    const { c } = this;
    const t0 = performance.now();
    const results: { c: Contribution; r: pb.StepResult; position: number }[] = [];
    const attempts = new Map<number[], number>();
    const badResults = new Map<number[], number>();
    let queue: number[][] = [];
    let stepShards: number[][] = [];
    let stepWorkers: WorkerInfo[] = [];
    let first = true;
    let most = 0;
    while (first || queue.length > 0) {
      const live = await c.liveWorkers();
      if (first) {
        ({ shards: stepShards, workers: stepWorkers } = await c.cutStep(live, req.global));
        queue = [...stepShards];
        first = false;
      }
      // Each worker runs its shards one after another: it holds one step's gradients at a time.
      const perWorker = new Map<WorkerInfo, number[][]>();
      queue.forEach((sh, i) => {
        const w = live[i % live.length]!;
        perWorker.set(w, [...(perWorker.get(w) ?? []), sh]);
      });
      queue = [];
      most = Math.max(most, perWorker.size);
      await Promise.all(
        [...perWorker].map(async ([w, shards]) => {
          for (const sh of shards) {
            try {
              const got = await this.gradientOf(w, sh, req);
              c.cutter.observe(w, got.r.count, got.r.computeSeconds);
              results.push({ ...got, position: stepShards.indexOf(sh) });
            } catch (e) {
              const failure = classifyShardFailure(e, (x) => x instanceof WorkerLost);
              const d = decideShardFailure(failure, attempts.get(sh) ?? 0, badResults.get(sh) ?? 0);
              attempts.set(sh, (attempts.get(sh) ?? 0) + 1);
              if (failure.kind === 'protocol' && MISBEHAVIOUR.has(failure.error.reason)) badResults.set(sh, (badResults.get(sh) ?? 0) + 1);
              if (d.action === 'stop') throw d.error;
              if (d.action === 'drop-worker-and-retry') c.lose(e instanceof WorkerLost ? e.worker : w, d.why);
              else c.io.err(`step: shard of ${sh.length} on rank ${w.rank} failed (${d.why}); retrying`);
              queue.push(sh);
              // This worker is out of the step; its remaining shards move on with the queue.
              if (!c.registry.has(w.rank, w.id)) {
                queue.push(...shards.slice(shards.indexOf(sh) + 1));
                return;
              }
            }
          }
        }),
      );
    }

    // Shard order, not arrival order: sums (gradient and loss) come out the same whoever computed what.
    results.sort((a, b) => a.position - b.position);
    c.cutter.review?.(
      stepWorkers.filter((w) => c.registry.has(w.rank, w.id)),
      req.global.length,
    );
    c.tally(
      most,
      results.reduce((a, x) => a + x.r.skipped, 0),
    );
    const computeSeconds = Math.max(0, ...results.map((x) => x.r.computeSeconds));
    const count = results.reduce((a, x) => a + x.r.count, 0);
    const tApply = performance.now();
    if (count > 0) {
      const mean = reduceMean(
        results.map((x) => x.c),
        c.job.paramCount,
        this.mean,
      );
      assertFinite(mean, 'reduced gradient');
      c.master.applyMean(mean);
    }
    c.hooks.onStepResults?.(results.map((x) => x.r));
    const applySeconds = (performance.now() - tApply) / 1000;
    const wall = (performance.now() - t0) / 1000;
    const loss = count > 0 ? results.reduce((a, x) => a + x.r.loss * x.r.count, 0) / count : 0;
    return {
      loss,
      correct: results.reduce((a, x) => a + x.r.correct, 0),
      count,
      computeSeconds,
      exchangeSeconds: Math.max(0, wall - computeSeconds - applySeconds),
      shards: stepShards.map((sh) => sh.length),
    };
  }
}
