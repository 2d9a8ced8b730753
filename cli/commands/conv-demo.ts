import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';

/** The seed notebook's check: the project's unfold/fold convolution must equal the library's to this. */
const AGREEMENT = 1e-6;

export const convDemoCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('conv-demo')
    .description('worked example: tf.conv2d vs an unfold/fold (im2col) convolution, then max-pool and sigmoid')
    .option('--seed <n>', 'seed for the example input and kernel', '0')
    .action(async (flags: { seed: string }) => {
      const { initBackend } = await import('../../common/backend/select.js');
      const { runConvDemo } = await import('../../common/kernels/im2col.js');
      await initBackend('cpu');
      const { maxAbsDiff } = await runConvDemo({ seed: parseIntFlag(flags.seed, '--seed', 0) }, io.out);
      exit(maxAbsDiff <= AGREEMENT ? 0 : 1);
    });
};
