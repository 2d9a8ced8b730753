// The benches' workload on a production coordinator: the same batch of the train split, step after
// step, outside any epoch (no evaluation, checkpoint or report), through the engine's public step.
import type { Coordinator } from '../coordinator/coordinator.js';
import type { StepStats } from '../common/train/engine.js';

/** Waits for the coordinator's workers, then runs `count` steps over the first batch of the train split. */
export async function runSteps(coordinator: Coordinator, count: number): Promise<StepStats[]> {
  const engine = await coordinator.engineWhenReady();
  const batch = Array.from({ length: Math.min(coordinator.options.train.batchSize, engine.job.trainCount) }, (_, i) => i);
  const out: StepStats[] = [];
  for (let i = 0; i < count; i++) out.push(await engine.step(1, batch));
  return out;
}
