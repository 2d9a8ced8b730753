import { Option } from 'commander';
import { BACKEND_CHOICES, type BackendChoice } from '../../common/backend/choices.js';
import { DEFAULT_JOB, DEFAULT_NATS_URL } from '../../common/wire/subjects.js';
import { DEFAULT_JOIN_TIMEOUT_MS, parseWorkerOptions } from '../../worker/options.js';
import type { CommandModule } from '../command.js';
import { parseIntFlag } from '../../common/zod-options.js';
import { parseMicroBatch } from '../../common/train/micro-batch.js';
import { handleShutdownSignals } from '../../common/signals.js';

export const workerCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('worker')
    .description("join a job as a worker: compute gradients on this machine's backend")
    .option('--nats <url>', `NATS server URL, or a comma-separated list of one cluster's (default $NATS_URL or ${DEFAULT_NATS_URL})`)
    .option('--job <name>', `job to join (default "${DEFAULT_JOB}")`)
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--data-root <dir>', "where this machine mounts the dataset, if not at the coordinator's path")
    .option(
      '--join-timeout <seconds>',
      `give up if no coordinator answers, at the start or after the coordinator died (default ${DEFAULT_JOIN_TIMEOUT_MS / 1000})`,
    )
    .option('--name <id>', 'worker identity in logs (default host:pid)')
    .option('--metrics-port <port>', "serve this worker's Prometheus /metrics on this port")
    .option('--micro-batch <n>', "images per forward/backward pass here, N or auto (default: the job's, auto unless the coordinator sets one)")
    .option('--threads <n>', "native TensorFlow's intra-op and inter-op threads (default: every core; give each of several workers on one host its share)")
    .action(
      async (flags: {
        nats?: string;
        job?: string;
        backend: BackendChoice;
        dataRoot?: string;
        joinTimeout?: string;
        name?: string;
        metricsPort?: string;
        microBatch?: string;
        threads?: string;
      }) => {
        const { initBackend } = await import('../../common/backend/select.js');
        const { Worker } = await import('../../worker/worker.js');
        const { MetricsServer } = await import('../../monitor/server.js');
        const { WorkerMetrics } = await import('../../monitor/metrics.js');
        const o = parseWorkerOptions({
          nats: flags.nats,
          job: flags.job,
          dataRoot: flags.dataRoot,
          name: flags.name,
          ...(flags.microBatch !== undefined ? { microBatch: parseMicroBatch(flags.microBatch) } : {}),
          joinTimeoutMs: flags.joinTimeout === undefined ? undefined : parseIntFlag(flags.joinTimeout, '--join-timeout') * 1000,
        });
        const { parseThreads } = await import('../../common/backend/native/env.js');
        const backend = await initBackend(flags.backend, { threads: parseThreads(flags.threads) });
        // A worker's own series: what it computed and refused, labelled with its rank.
        const metrics = flags.metricsPort === undefined ? undefined : new WorkerMetrics({ run: o.job, processMetrics: true });
        await using server = metrics ? await MetricsServer.start(metrics.registry, parseIntFlag(flags.metricsPort, '--metrics-port', 0)) : undefined;
        const worker = await Worker.start(o, io, backend.kind, {
          onReject: (reason) => metrics?.rejected.inc({ reason }),
          onStep: (s) => {
            metrics?.samples.inc({ worker: String(s.rank) }, s.count);
            metrics?.computeDuration.observe({ worker: String(s.rank) }, s.computeSeconds);
            metrics?.repairs.inc({ worker: String(s.rank) }, s.repairs);
          },
        });
        if (server) io.err(`worker: metrics on http://0.0.0.0:${server.port}/metrics`);
        const release = handleShutdownSignals({ what: 'worker', io, stop: (sig) => worker.close(`interrupted (${sig})`) });
        const end = await worker.done;
        release();
        exit(end.failed ? 1 : 0);
      },
    );
};
