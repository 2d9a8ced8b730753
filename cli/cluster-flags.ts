// Flags shared by `coordinator`, `cluster` and `start` for the cluster side of a run.
import { Command, Option } from 'commander';
import { CODEC_NAMES } from '../common/wire/codec-names.js';
import { DATA_MODES, DEFAULT_STEP_TIMEOUT_MS, DEFAULT_WORKER_WAIT_MS, EXCHANGES, parseClusterOptions, type ClusterOptions } from '../coordinator/options.js';
import { DEFAULT_JOB, DEFAULT_NATS_URL } from '../common/wire/subjects.js';
import { SHARD_MODES } from '../coordinator/shard-planner.js';

export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('--nats <url>', `NATS server URL, or a comma-separated list of one cluster's (default $NATS_URL or ${DEFAULT_NATS_URL})`)
    .option('--job <name>', `job name; subjects are syncgrad.<job>.* (default "${DEFAULT_JOB}")`)
    .option('--worker-wait <seconds>', `how long to wait for workers to join (default ${DEFAULT_WORKER_WAIT_MS / 1000})`)
    .option('--step-timeout <seconds>', `a worker silent this long on one step is dropped (default ${DEFAULT_STEP_TIMEOUT_MS / 1000})`)
    .addOption(
      new Option('--data-mode <mode>', 'shared: workers read --data themselves; nats: they fetch image bytes from the coordinator').choices(DATA_MODES),
    )
    .addOption(new Option('--codec <name>', 'gradient encoding on the wire (fp32 is exact)').choices(CODEC_NAMES))
    .addOption(
      new Option(
        '--exchange <design>',
        'auto (default): sharded from 4 MB of gradient, else star; sharded: the workers all-reduce among themselves and every replica steps Adam; star: the coordinator reduces and serves the weights',
      ).choices(EXCHANGES),
    )
    .addOption(
      new Option(
        '--shards <mode>',
        "weighted (default): each step's batch is cut in proportion to each worker's measured images/s; equal: sizes that differ by at most one",
      ).choices(SHARD_MODES),
    )
    .option('--metrics-port <port>', 'serve Prometheus /metrics on this port');
}

export function clusterOptionsFromFlags(flags: Record<string, unknown>, extra: Partial<ClusterOptions> = {}): ClusterOptions {
  const seconds = (v: unknown) => (v === undefined ? undefined : Number(v) * 1000);
  return parseClusterOptions({
    nats: flags.nats,
    job: flags.job,
    workerWaitMs: seconds(flags.workerWait),
    stepTimeoutMs: seconds(flags.stepTimeout),
    dataMode: flags.dataMode,
    codec: flags.codec,
    exchange: flags.exchange,
    shards: flags.shards,
    metricsPort: flags.metricsPort,
    ...extra,
  });
}
