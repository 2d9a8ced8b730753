// The two halves of a worker's step after its weights are in place: the shard's gradient (the
// model's, or the bench's synthetic one), and, in the sharded exchange, the all-reduce that ends
// with the optimizer's step applied to this replica.
import type { Batch } from '../common/data/loader.js';
import { ProtocolError } from '../common/errors.js';
import { replicaAdam } from '../common/optim/adam.js';
import type { pb } from '../common/wire/messages.js';
import type { ShardGradient } from './compute.js';
import type { Held, Session } from './session.js';
import { syntheticGradient } from './synthetic.js';

/** The gradient of the command's shard over `batch` (what of it decoded); zeros when nothing did. */
export async function shardGradient(ses: Session, cmd: pb.StepCommand, batch: Batch | undefined): Promise<ShardGradient> {
  if (batch) {
    ses.weights.syncModel();
    return ses.compute.gradient(batch, cmd.dropoutSeed, ses.gradient);
  }
  if (ses.spec.syntheticGradients) {
    ses.synthetic ??= syntheticGradient(ses.rank, ses.gradient ?? new Float32Array(ses.spec.paramCount));
    return { flat: ses.synthetic, loss: 0, correct: 0, count: cmd.indices.length };
  }
  return { flat: new Float32Array(ses.spec.paramCount), loss: 0, correct: 0, count: 0 };
}

/**
 * The sharded exchange of this step's gradient: when it returns, the replica holds weights
 * params_version + 1 (with the optimizer's state), and the previous version stays held beside them.
 */
export async function exchangeStep(ses: Session, held: Held, cmd: pb.StepCommand, g: ShardGradient): Promise<{ weightsChecksum: number; repairs: number }> {
  const rep = ses.replica;
  const mem = held.sharded?.bufs.mem;
  if (!ses.allreduce || !rep || !mem) throw new ProtocolError('refused', 'this job does not use the sharded exchange');
  const step = replicaAdam(mem, ses.spec.learningRate, cmd.adamStep + 1, rep.state, rep.next(), ses.trainable);
  const { checksum, repairs } = await ses.allreduce.run({ id: cmd.exchange, ranks: cmd.reduceRanks, gradient: g.flat, samples: g.count, step });
  rep.commit({ version: cmd.paramsVersion + 1, checksum, adamStep: cmd.adamStep + 1 });
  return { weightsChecksum: checksum, repairs };
}

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes on one machine. */
export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}
