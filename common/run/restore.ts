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

/** The run's newest readable checkpoint (the previous one, with a warning, if the newest is unreadable). */
export async function loadTrainedModel(run: string, warn?: (line: string) => void): Promise<TrainedModel> {
  const found = await loadLatestCheckpoint(run, warn);
  if (!found) throw new CheckpointError(checkpointPath(run), 'checkpoint not found');
  const ckpt = found.checkpoint;
  return { model: await createNet(ckpt.meta.model, ckpt.weights), meta: ckpt.meta };
}
