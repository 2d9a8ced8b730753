// Loading a trained run back: checkpoint → model, for evaluate, predict and fps.
import { CheckpointError } from '../errors.js';
import { Cnn } from '../model/cnn.js';
import { checkpointPath, loadLatestCheckpoint, type CheckpointMeta } from './checkpoint.js';

export interface TrainedModel {
  model: Cnn;
  meta: CheckpointMeta;
}

/** The run's newest readable checkpoint (the previous one, with a warning, if the newest is unreadable). */
export async function loadTrainedModel(run: string, warn?: (line: string) => void): Promise<TrainedModel> {
  const found = await loadLatestCheckpoint(run, warn);
  if (!found) throw new CheckpointError(checkpointPath(run), 'checkpoint not found');
  const ckpt = found.checkpoint;
  return { model: Cnn.fromWeights(ckpt.meta.model, ckpt.weights), meta: ckpt.meta };
}
