// The sharded exchange (docs/cluster.md): every live worker computes one shard, then the step's
// ranks all-reduce their gradients among themselves (rank i reduces slice i and fans it out) and
// each applies the optimizer to its whole replica (worker/allreduce.ts). The coordinator moves no
// tensor: it checks that every replica reports the same new weights and counts the version. Any
// failure throws before the version moves, and every replica still holds the one before.
import { OutOfMemoryError } from '../../common/errors.js';
import type { StepStats } from '../../common/train/engine.js';
import type { pb } from '../../common/wire/messages.js';
import { WorkerLost } from '../liveness.js';
import type { ExchangeStrategy, StepContext, StepRequest } from './context.js';

export class ShardedExchange implements ExchangeStrategy {
  constructor(private readonly c: StepContext) {}

  async step(req: StepRequest): Promise<StepStats> {
    const { c } = this;
    const t0 = performance.now();
    const live = [...(await c.liveWorkers())].sort((a, b) => a.rank - b.rank);
    const { workers, shards } = await c.cutStep(live, req.global);
    // A replica without the current version (a new worker) pulls it from here: hold it first.
    if (c.master.lackedBy(workers)) await c.master.refresh();
    // The exchange's id, the version of every chunk it moves, from the commands' count.
    const exchange = c.commands.nextSeq();
    const ranks = workers.map((w) => w.rank);
    const origin = c.master.origin;
    let aborted = false;
    const settled = await Promise.allSettled(
      shards.map((indices, i) =>
        c.commands.step(workers[i]!, origin, { indices, epoch: req.epoch, dropoutSeed: req.dropoutSeed }, { ranks, exchange }).catch((e: unknown) => {
          // The other ranks wait for this one's parts: tell them to stop now.
          if (!aborted) c.commands.abortExchange(exchange, (e as Error).message);
          aborted = true;
          throw e;
        }),
      ),
    );
    const errors = settled.flatMap((x) => (x.status === 'rejected' ? [x.reason as Error] : []));
    for (const e of errors) if (e instanceof WorkerLost) c.lose(e.worker, e.message);
    if (errors.length > 0) throw errors.find((e) => e instanceof OutOfMemoryError) ?? errors.find((e) => !(e instanceof WorkerLost)) ?? errors[0]!;
    const results = settled.map((x) => (x as PromiseFulfilledResult<pb.StepResult>).value);
    const sums = new Set(results.map((r) => r.weightsChecksum));
    c.commands.check([
      [
        sums.size === 1,
        'checksum',
        `replicas disagree on weights v${c.master.version + 1}: ${results.map((r) => `rank ${r.rank} ${r.weightsChecksum}`).join(', ')}`,
        'the replicas computed different weights',
      ],
    ]);
    results.forEach((r, i) => c.cutter.observe(workers[i]!, r.count, r.computeSeconds));
    c.cutter.review?.(workers, req.global.length);
    results.forEach((r) => c.hooks.onWorkerStep?.({ rank: r.rank, count: r.count, computeSeconds: r.computeSeconds, bytes: 0, repairs: r.repairs }));
    const total = results.reduce((a, r) => a + r.count, 0);
    c.master.advanced(results[0]!.weightsChecksum, workers);
    c.hooks.onStepResults?.(results);
    c.tally(
      workers.length,
      results.reduce((a, r) => a + r.skipped, 0),
    );
    const computeSeconds = Math.max(0, ...results.map((r) => r.computeSeconds));
    const wall = (performance.now() - t0) / 1000;
    return {
      loss: results.reduce((a, r) => a + r.loss * r.count, 0) / total,
      correct: results.reduce((a, r) => a + r.correct, 0),
      count: total,
      computeSeconds,
      // Everything but the slowest shard's compute: the command round trip, the all-reduce, the optimizer.
      exchangeSeconds: Math.max(0, wall - computeSeconds),
      shards: shards.map((sh) => sh.length),
    };
  }
}
