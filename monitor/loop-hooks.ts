// The training loop's callbacks that keep a run's Prometheus series and its live status current;
// `train --metrics-port` and the coordinator use the same ones.
import type { EpochReport } from '../common/run/report.js';
import type { RunStatus } from './status.js';
import type { TrainingMetrics } from './metrics.js';

type StepInfo = { epoch: number; step: number; loss: number; count: number; computeSeconds: number; exchangeSeconds: number };

export function loopHooks(m?: TrainingMetrics, status?: RunStatus) {
  return {
    onStep: (s: StepInfo) => {
      m?.epoch.set(s.epoch);
      m?.step.set(s.step);
      m?.stepLoss.set(s.loss);
      m?.stepDuration.observe(s.computeSeconds + s.exchangeSeconds);
      m?.exchangeDuration.observe(s.exchangeSeconds);
      status?.onStep(s);
    },
    onEpoch: (e: EpochReport) => {
      m?.loss.set({ split: 'train' }, e.trainLoss);
      m?.accuracy.set({ split: 'train' }, e.trainAccuracy);
      m?.imagesPerSecond.set(e.imagesPerSecond);
      status?.onEpoch(e);
    },
    onEvaluated: (split: 'train' | 'val' | 'test', r: { accuracy: number; loss: number; fps: number }) => {
      m?.loss.set({ split }, r.loss);
      m?.accuracy.set({ split }, r.accuracy);
      if (split === 'test') {
        m?.inferenceFps.set(r.fps);
        status?.onTest(r);
      }
    },
    onCheckpoint: (seconds: number) => m?.checkpointDuration.observe(seconds),
  };
}
