import os from 'node:os';
import { PACKAGE_ROOT } from '../../common/paths.js';
import type { CommandModule } from '../command.js';

/** The driver's view of the GPUs (nvidia-smi), beside what TensorFlow itself sees. */
async function driverGpus(): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { timeout: 5000 }, (err, stdout) => {
      if (err) resolve(['driver: no NVIDIA GPU visible (nvidia-smi not found or failed)']);
      else
        resolve(
          stdout
            .trim()
            .split('\n')
            .map((l) => `driver: ${l.trim()}`),
        );
    });
  });
}

export const doctorCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('doctor')
    .description("show which compute backends load and why the others do not; native TensorFlow's version, library, oneDNN, threads and GPUs")
    .option('--json', 'print the facts as one JSON object')
    .action(async (flags: { json?: boolean }) => {
      const tf = await import('@tensorflow/tfjs-core');
      const { probeBackends, initBackend } = await import('../../common/backend/select.js');
      const { probeNative } = await import('../../common/setup/facts.js');
      const { ONEDNN_ENV, INTRA_OP_ENV } = await import('../../common/backend/native/env.js');
      const native = await probeNative(PACKAGE_ROOT);
      const backends = await probeBackends();
      const firstOk = backends.find((r) => r.ok)?.kind;
      let kernels: string | undefined;
      if (firstOk === 'tensorflow') kernels = String((await initBackend('tensorflow')).details.kernels ?? '');
      const gpus = await driverGpus();
      if (flags.json) {
        io.out(
          JSON.stringify({
            node: process.version,
            platform: `${os.platform()}-${os.arch()}`,
            tfjsCore: tf.version_core,
            native,
            kernels,
            backends,
            auto: firstOk ?? null,
            driver: gpus,
          }),
        );
        exit(firstOk ? 0 : 1);
        return;
      }
      const cpus = os.cpus();
      io.out(`node ${process.version} on ${os.platform()}-${os.arch()}, @tensorflow/tfjs-core ${tf.version_core}`);
      io.out(`CPU: ${cpus[0]?.model ?? 'unknown'} × ${os.availableParallelism()} threads, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
      for (const line of gpus) io.out(line);
      if (native.ok) {
        io.out(
          `native TensorFlow ${native.tensorflowVersion}${native.variant ? ` (${native.variant} build)` : ''}: ${native.libraryPath ?? 'library path unknown'}`,
        );
        io.out(
          `  oneDNN: ${native.oneDnn ? 'on' : 'off'} (${process.env[ONEDNN_ENV] === undefined ? `${ONEDNN_ENV} unset: TensorFlow's default` : `${ONEDNN_ENV}=${process.env[ONEDNN_ENV]}`})`,
        );
        io.out(
          `  threads: intra-op ${native.threads.intraOp}, inter-op ${native.threads.interOp} (${process.env[INTRA_OP_ENV] ? 'from the environment' : "one per core, TensorFlow's default"}; a worker's --threads sets both)`,
        );
        if (native.gpus.length > 0) for (const g of native.gpus) io.out(`  TensorFlow computes on ${g}`);
        else if (native.variant === 'cpu') io.out('  GPU: none (the CPU build; `syncgrad setup --gpu` installs the CUDA 12 build)');
        else io.out(`  GPU: TensorFlow created no GPU device${native.gpuLoadErrors.length === 0 ? '' : ':'}`);
        for (const e of native.gpuLoadErrors.slice(0, 6)) io.out(`    ${e}`);
        if (kernels) io.out(`  syncgrad's kernels on it: ${kernels}`);
      } else {
        io.out(`native TensorFlow: not available: ${native.reason}`);
      }
      io.out('backends (auto tries them in this order):');
      for (const r of backends) io.out(`  ${r.ok ? 'ok  ' : 'no  '} ${r.kind.padEnd(11)} ${r.package}${r.reason ? ` - ${r.reason}` : ''}`);
      io.out(`auto selects: ${firstOk === 'tensorflow' && native.usingGpu ? 'tensorflow (GPU)' : (firstOk ?? 'nothing')}`);
      io.out('threads: wasm computes on 1 thread per process (threaded wasm is disabled in Node); run one wasm worker per core.');
      exit(firstOk ? 0 : 1);
    });
};
