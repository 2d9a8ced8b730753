// `syncgrad bench`: the flags; the benchmarks themselves live in bench/ (command.ts runs them).
import { Option } from 'commander';
import { BACKEND_CHOICES } from '../../common/backend/choices.js';
import { CODEC_NAMES } from '../../common/wire/codec-names.js';
import type { CommandModule } from '../command.js';
import { DEFAULT_EXCHANGE, EXCHANGES } from '../../coordinator/options.js';
import type { BenchFlags } from '../../bench/command.js';

export const benchCommand: CommandModule = (program, { io, exit }) => {
  program
    .command('bench')
    .description('training or inference throughput on synthetic data: img/s (median of repeats), GFLOP/s, peak RSS, and the ratio to PyTorch on one thread')
    .argument(
      '<mode>',
      "train, infer, exchange (a step's gradient exchange with synthetic gradients, beside gloo and raw NATS), or shards (a native and a wasm worker with equal and weighted shards, against the ideal)",
    )
    .option('--model <name|file>', "train, infer: the network (seed-cnn, resnet18, resnet50, mobilenet-v2, or a model file); PyTorch runs torchvision's twin")
    .option('--image-size <n>', 'input height and width', '64')
    .option('--batch-size <n>', 'images per step (default 16; shards: 32)')
    .option('--steps <n>', 'steps (or inference batches) per timed repeat (default 5; exchange: timed steps, default 10)')
    .option('--repeats <n>', 'timed repeats; the median is reported', '3')
    .option('--warmup <n>', 'untimed steps first (default 1; exchange: 2)')
    .option('--params <n>', 'exchange: parameters (a seed CNN size)', '16154950')
    .option('--workers <n>', 'exchange: worker processes', '2')
    .option('--probe-mib <n>', 'exchange: MiB each raw NATS probe moves (default 512)')
    .option('--hosts <n>', 'exchange over N emulated hosts (network namespaces with shaped links; root): the network bench')
    .option('--link <rate>', "with --hosts: each host link's rate, both ways (1gbit, 2.5gbit, 500mbit)", '1gbit')
    .addOption(
      new Option('--layout <layout>', 'with --hosts: a NATS server per host joined by routes, or one server on a host of its own')
        .choices(['per-host', 'single'])
        .default('per-host'),
    )
    .option('--workers-per-host <n>', 'with --hosts: worker processes per host (several GPUs in one machine)', '1')
    .addOption(new Option('--codec <name>', 'exchange: gradient encoding on the wire').choices(CODEC_NAMES).default('fp32'))
    .addOption(
      new Option('--exchange <design>', 'exchange: auto (sharded from 4 MB of gradient), sharded or star').choices(EXCHANGES).default(DEFAULT_EXCHANGE),
    )
    .addOption(new Option('--backend <name>', 'compute backend').choices(BACKEND_CHOICES).default('auto'))
    .option('--micro-batch <n>', 'images per pass (N or auto); a batch is computed as several passes', 'auto')
    .option('--threads <n>', "native TensorFlow's threads, and PyTorch's (default: every core for TensorFlow, 1 for PyTorch; wasm always computes on 1)")
    .option('--no-torch', 'skip the PyTorch reference (bench/python/torch_reference.py, with the allocator settings that make it fastest)')
    .option('--profile', 'also print a per-kernel profile of one step (tf.profile)')
    .option('--json', 'print JSON')
    .action(async (mode: string, flags: BenchFlags) => {
      const { runBenchMode } = await import('../../bench/command.js');
      await runBenchMode(mode, flags, io);
      exit(0);
    });
};
