// Inference throughput as the seed defined it: images divided by the summed forward time of
// `batches` batches in inference mode. One untimed warm-up batch first, because the first call
// of each shape pays for kernel set-up (XNNPACK operator creation on wasm).
import * as tf from '@tensorflow/tfjs-core';
import type { Net } from '../model/net.js';

export interface FpsResult {
  fps: number;
  images: number;
  seconds: number;
}

/** `passImages` caps the images per forward pass (the wasm heap); a batch larger than that runs as several passes, all timed. */
export function measureFps(model: Net, batches: number, batchSize: number, passImages = Infinity): FpsResult {
  const { imageSize: s, channels: c } = model.config;
  const m = Math.max(1, Math.min(batchSize, passImages));
  const x = tf.randomUniform<tf.Rank.R4>([m, s, s, c], 0, 1, 'float32', 1);
  const run = () => {
    const t0 = performance.now();
    for (let done = 0; done < batchSize; done += m) {
      const logits = tf.tidy(() => model.forward(done + m <= batchSize ? x : tf.slice(x, 0, batchSize - done), { training: false }));
      logits.dataSync();
      logits.dispose();
    }
    return (performance.now() - t0) / 1000;
  };
  try {
    run();
    let seconds = 0;
    for (let i = 0; i < batches; i++) seconds += run();
    const images = batches * batchSize;
    return { fps: images / seconds, images, seconds };
  } finally {
    x.dispose();
  }
}
