// Loading a trained run back: checkpoint → model, for evaluate, predict and fps.
import { Cnn } from '../model/cnn.js';
import { loadCheckpoint, type CheckpointMeta } from './checkpoint.js';

export interface TrainedModel {
  model: Cnn;
  meta: CheckpointMeta;
}

export async function loadTrainedModel(run: string): Promise<TrainedModel> {
  const ckpt = await loadCheckpoint(run);
  return { model: Cnn.fromWeights(ckpt.meta.model, ckpt.weights), meta: ckpt.meta };
}
