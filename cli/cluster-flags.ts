// Flags shared by `coordinator`, `cluster` and `start` for the cluster side of a run.
import { Command, Option } from 'commander';
import { CODEC_NAMES } from '../common/wire/codec-names.js';
import { DATA_MODES, EXCHANGES, parseClusterOptions, type ClusterOptions } from '../coordinator/options.js';

export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('--nats <url>', 'NATS server URL (default $NATS_URL or nats://127.0.0.1:4222)')
    .option('--job <name>', 'job name; subjects are syncgrad.<job>.* (default "default")')
    .option('--worker-wait <seconds>', 'how long to wait for workers to join (default 120)')
    .option('--step-timeout <seconds>', 'a worker silent this long on one step is dropped (default 600)')
    .addOption(new Option('--data-mode <mode>', 'shared: workers read --data themselves; nats: they fetch image bytes from the coordinator').choices(DATA_MODES))
    .addOption(new Option('--codec <name>', 'gradient encoding on the wire (fp32 is exact)').choices(CODEC_NAMES))
    .addOption(new Option('--exchange <design>', 'auto (default): sharded from 4 MB of gradient, else star; sharded: each worker reduces and updates one slice of the weights; star: the coordinator reduces and serves them all').choices(EXCHANGES))
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
    metricsPort: flags.metricsPort,
    ...extra,
  });
}
