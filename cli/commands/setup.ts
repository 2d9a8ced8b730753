import { PACKAGE_ROOT } from '../../common/paths.js';
import type { CommandModule } from '../command.js';

interface SetupFlags {
  gpu?: boolean;
  force?: boolean;
  ifNeeded?: boolean;
  tensorflowVersion?: string;
}

export const setupCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('setup')
    .description("set up the native TensorFlow backend: TensorFlow's C library from its pip wheel, tfjs-node's binding built against it (npm ci runs this)")
    .option(
      '--gpu',
      'the CUDA 12 build: the tensorflow wheel and the nvidia-*-cu12 runtime wheels it names (a Linux x86-64 host with an NVIDIA driver for CUDA >= 12.5)',
    )
    .option('--force', 'download and build again even when the cache has it')
    .option('--tensorflow-version <v>', 'the TensorFlow release whose wheel to use')
    .option(
      '--if-needed',
      'what npm ci runs: skip when SYNCGRAD_NATIVE=0, keep the variant set up last, and on failure print one line and exit 0 (syncgrad then runs on wasm)',
    )
    .action(async (flags: SetupFlags) => {
      const { NATIVE_ENV, activeVariant, defaultCacheDir, parseNativeSetupOptions, removeStaleStaging, runNativeSetup } =
        await import('../../common/setup/setup.js');
      const say = (line: string) => io.err(`setup: ${line}`);
      if (flags.ifNeeded && process.env[NATIVE_ENV] === '0') {
        say(`native TensorFlow skipped (${NATIVE_ENV}=0); syncgrad runs on wasm`);
        exit(0);
        return;
      }
      const cacheDir = defaultCacheDir();
      const variant = flags.gpu ? 'gpu' : flags.ifNeeded ? await activeVariant(cacheDir) : 'cpu';
      const o = parseNativeSetupOptions({ variant, force: flags.force, tensorflowVersion: flags.tensorflowVersion, cacheDir, fromDir: PACKAGE_ROOT });
      await removeStaleStaging(cacheDir);
      try {
        const r = await runNativeSetup(o, say);
        if (r.plan.action !== 'installed')
          say(`native TensorFlow ${r.tensorflowVersion} (${o.variant}) ready in ${r.seconds.toFixed(0)} s; \`syncgrad doctor\` shows it`);
        exit(0);
      } catch (e) {
        if (!flags.ifNeeded) throw e;
        const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
        say(`native TensorFlow unavailable: ${why}; syncgrad runs on wasm (\`npx syncgrad setup\` tries again)`);
        exit(0);
      }
    });
};
