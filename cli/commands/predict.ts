import { Option } from 'commander';
import { ImageDecodeError } from '../../common/errors.js';
import { BACKEND_CHOICES, type BackendChoice } from '../../common/backend/choices.js';
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
      const tf = await import('@tensorflow/tfjs-core');
      const { initBackend } = await import('../../common/backend/select.js');
      const { decodeImage } = await import('../../common/data/decode.js');
      const { normalizePixels } = await import('../../common/data/normalize.js');
      const { loadTrainedModel } = await import('../../common/run/restore.js');
      await initBackend(flags.backend);
      const { model, meta } = await loadTrainedModel(flags.model, io.err, { inference: true });
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
          if (flags.json)
            io.out(
              JSON.stringify({
                path,
                class: meta.classes[best],
                probability: probs[best],
                probabilities: Object.fromEntries(meta.classes.map((c, i) => [c, probs[i]])),
              }),
            );
          else io.out(`${path}: ${meta.classes[best]} (${(100 * probs[best]!).toFixed(1)}%)`);
        }
      } finally {
        model.dispose();
      }
      exit(failed > 0 ? 1 : 0);
    });
};
