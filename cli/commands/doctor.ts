import os from 'node:os';
import type { CommandModule } from '../command.js';

/** GPU facts worth printing when diagnosing why tfjs-node-gpu falls back to CPU. */
async function gpuInfo(): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { timeout: 5000 }, (err, stdout) => {
      if (err) resolve(['GPU: none visible (nvidia-smi not found or failed)']);
      else resolve(stdout.trim().split('\n').map((l) => `GPU: ${l.trim()}`));
    });
  });
}

export const doctorCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('doctor')
    .description('show which compute backends load, and why the others do not')
    .action(async () => {
      const tf = await import('@tensorflow/tfjs-core');
      const { probeBackends } = await import('../../common/backend/select.js');
      const cpus = os.cpus();
      io.out(`node ${process.version} on ${os.platform()}-${os.arch()}, @tensorflow/tfjs-core ${tf.version_core}`);
      io.out(`CPU: ${cpus[0]?.model ?? 'unknown'} × ${os.availableParallelism()} threads, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
      for (const line of await gpuInfo()) io.out(line);
      io.out('backends (auto tries them in this order):');
      let firstOk: string | undefined;
      for (const r of await probeBackends()) {
        if (r.ok && !firstOk) firstOk = r.kind;
        io.out(`  ${r.ok ? 'ok  ' : 'no  '} ${r.kind.padEnd(15)} ${r.package}${r.reason ? ` - ${r.reason}` : ''}`);
      }
      if (firstOk === 'wasm' || firstOk === 'cpu') {
        io.out('note: tfjs-node(-gpu) 4.22 needs libtensorflow (downloaded at install) and, for GPUs, CUDA 11.2 + cuDNN 8.x.');
      }
      io.out(`auto selects: ${firstOk ?? 'nothing'}`);
      io.out('threads: wasm computes on 1 thread per process (threaded wasm is disabled in Node); run one worker per core.');
      exit(firstOk ? 0 : 1);
    });
};
