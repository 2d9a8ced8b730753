import { DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION, DEFAULT_VAL_FRACTION } from '../../common/data/dataset.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';

export const auditCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('audit')
    .description('find exact duplicate images (decoded pixels) across and within train/val/test')
    .requiredOption('--data <dir>', 'dataset directory')
    .option('--seed <n>', 'split seed, as given to train', String(DEFAULT_SPLIT_SEED))
    .option('--val-fraction <f>', 'validation share', String(DEFAULT_VAL_FRACTION))
    .option('--test-fraction <f>', 'test share', String(DEFAULT_TEST_FRACTION))
    .option('--json', 'print JSON')
    .action(async (flags: { data: string; seed: string; valFraction: string; testFraction: string; json?: boolean }) => {
      const { auditDataset, formatAudit } = await import('../../common/data/audit.js');
      const { indexDataset } = await import('../../common/data/dataset.js');
      const index = await indexDataset(flags.data, {
        seed: parseIntFlag(flags.seed, '--seed', 0),
        valFraction: Number(flags.valFraction),
        testFraction: Number(flags.testFraction),
      });
      const report = await auditDataset(index);
      if (flags.json) io.out(JSON.stringify(report, null, 2));
      else for (const line of formatAudit(report)) io.out(line);
      // Exit 3 flags a leak for scripts, as `grep` uses a distinct code for "found".
      exit(report.crossSplit.length > 0 ? 3 : 0);
    });
};
