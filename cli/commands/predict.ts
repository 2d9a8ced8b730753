import { Option } from 'commander';
import * as tf from '@tensorflow/tfjs-core';
import { BACKEND_CHOICES, initBackend, type BackendChoice } from '../../common/backend/select.js';
import { decodeImage } from '../../common/data/decode.js';
import { normalizePixels } from '../../common/data/normalize.js';
import { ImageDecodeError } from '../../common/errors.js';
import { loadTrainedModel } from '../../common/train/restore.js';
import type { CommandModule } from '../command.js';

export const predictCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('predict')
    .description('classify image files with a trained run')
    .requiredOption('--model <run>', 'run directory (or .sgck checkpoint file)')
    .argument('<images...>', 'image files')
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--json', 'print JSON lines')
    .action(async (images: string[], flags: { model: string; backend: BackendChoice; json?: boolean }) => {
      await initBackend(flags.backend);
      const { model, meta } = await loadTrainedModel(flags.model, io.err);
      const { imageSize, channels } = meta.model;
      let failed = 0;
      try {
        for (const path of images) {
          let pixels: Float32Array;
          try {
            pixels = normalizePixels(await decodeImage(path, imageSize, channels));
          } catch (e) {
            if (!(e instanceof ImageDecodeError)) throw e;
            io.err(`syncgrad: ${e.message}`);
            failed++;
            continue;
          }
          const probs = tf.tidy(() => tf.softmax(model.forward(tf.tensor4d(pixels, [1, imageSize, imageSize, channels]), { training: false })).dataSync());
          let best = 0;
          for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
          if (flags.json) io.out(JSON.stringify({ path, class: meta.classes[best], probability: probs[best], probabilities: Object.fromEntries(meta.classes.map((c, i) => [c, probs[i]])) }));
          else io.out(`${path}: ${meta.classes[best]} (${(100 * probs[best]!).toFixed(1)}%)`);
        }
      } finally {
        model.dispose();
      }
      exit(failed > 0 ? 1 : 0);
    });
};
