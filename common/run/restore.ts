// Loading a trained run back: checkpoint → model (whichever network: the checkpoint describes it),
// for evaluate, predict, fps and export.
import { CheckpointError } from '../errors.js';
import { createNet } from '../model/build.js';
import type { Net } from '../model/net.js';
import { checkpointPath, loadLatestCheckpoint, type CheckpointMeta } from './checkpoint.js';

export interface TrainedModel {
  model: Net;
  meta: CheckpointMeta;
}

/**
 * The run's newest readable checkpoint (the previous one, with a warning, if the newest is
 * unreadable). `inference`: the model only infers, with BatchNorm folded into its convs.
 */
export async function loadTrainedModel(run: string, warn?: (line: string) => void, o: { inference?: boolean } = {}): Promise<TrainedModel> {
  const found = await loadLatestCheckpoint(run, warn);
  if (!found) throw new CheckpointError(checkpointPath(run), 'checkpoint not found');
  const ckpt = found.checkpoint;
  const model = await createNet(ckpt.meta.model, ckpt.weights);
  if (o.inference) await model.foldForInference?.();
  return { model, meta: ckpt.meta };
}
