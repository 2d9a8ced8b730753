// The `syncgrad` program. main(argv) returns an exit code and never calls process.exit, so tests
// drive every command in-process. User errors print one line; anything else is a bug and keeps
// its stack.
import { delimiter, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { IMPORTS_ENV } from '../common/model/choice.js';
import { isSyncgradError } from '../common/errors.js';
import { tuneHeapGrowth } from '../common/heap-growth.js';
import { VERBOSE_ENV } from '../common/backend/native/quiet.js';
import { processIo, type Io } from '../common/console/io.js';
import type { CommandContext, CommandModule } from './command.js';
import { auditCommand } from './commands/audit.js';
import { clusterCommand } from './commands/cluster.js';
import { coordinatorCommand } from './commands/coordinator.js';
import { workerCommand } from './commands/worker.js';
import { benchCommand } from './commands/bench.js';
import { convDemoCommand } from './commands/conv-demo.js';
import { doctorCommand } from './commands/doctor.js';
import { evaluateCommand } from './commands/evaluate.js';
import { exportCommand } from './commands/export.js';
import { fpsCommand } from './commands/fps.js';
import { makeDatasetCommand } from './commands/make-dataset.js';
import { predictCommand } from './commands/predict.js';
import { startCommand } from './commands/start.js';
import { setupCommand } from './commands/setup.js';
import { summaryCommand } from './commands/summary.js';
import { trainCommand } from './commands/train.js';

export const COMMANDS: CommandModule[] = [
  startCommand,
  trainCommand,
  clusterCommand,
  coordinatorCommand,
  workerCommand,
  evaluateCommand,
  exportCommand,
  predictCommand,
  fpsCommand,
  benchCommand,
  summaryCommand,
  auditCommand,
  makeDatasetCommand,
  convDemoCommand,
  doctorCommand,
  setupCommand,
];

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('syncgrad')
    .description('synchronous data-parallel training of image classifiers with TensorFlow.js')
    .showHelpAfterError('(run with --help for usage)')
    .option('--verbose', "show TensorFlow's own start-up lines (any command; workers inherit it)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s.trimEnd()),
      writeErr: (s) => ctx.io.err(s.trimEnd()),
    });
  for (const add of COMMANDS) add(program, ctx);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) });
    for (const sub of cmd.commands) sub.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s.trimEnd()), writeErr: (s) => ctx.io.err(s.trimEnd()) });
  }
  return program;
}

/** Maps anything thrown to an exit code, printing one clean line for user errors. */
export function reportError(e: unknown, io: Io): number {
  if (e instanceof CommanderError) return e.exitCode;
  if (isSyncgradError(e) && e.isUserError) {
    io.err(`syncgrad: ${e.message}`);
    return e.name === 'ConfigError' ? 2 : 1;
  }
  io.err(`syncgrad: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 70;
}

/**
 * `--verbose`, accepted anywhere before `--` by every command: TensorFlow's own start-up lines are
 * shown, in this process and in the workers it starts (they inherit the environment).
 */
function takeVerbose(argv: string[]): string[] {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  if (!flags.includes('--verbose')) return argv;
  process.env[VERBOSE_ENV] = '1';
  return [...flags.filter((a) => a !== '--verbose'), ...(end < 0 ? [] : argv.slice(end))];
}

/**
 * `--import FILE` (repeatable), accepted anywhere before `--`: modules registering custom layer
 * classes. They go into the environment, so the workers this process starts load them too.
 */
function takeImports(argv: string[]): string[] {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  const kept: string[] = [];
  const files = (process.env[IMPORTS_ENV] ?? '').split(delimiter).filter(Boolean);
  for (let i = 0; i < flags.length; i++) {
    const a = flags[i]!;
    if (a === '--import' && i + 1 < flags.length) files.push(resolve(flags[++i]!));
    else if (a.startsWith('--import=')) files.push(resolve(a.slice('--import='.length)));
    else kept.push(a);
  }
  if (files.length > 0) process.env[IMPORTS_ENV] = [...new Set(files)].join(delimiter);
  return [...kept, ...(end < 0 ? [] : argv.slice(end))];
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  tuneHeapGrowth();
  argv = takeImports(takeVerbose(argv));
  let code = 0;
  const program = buildProgram({ io, exit: (c) => (code = c) });
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    const imports = (process.env[IMPORTS_ENV] ?? '').split(delimiter).filter(Boolean);
    if (imports.length > 0) await (await import('../common/model/imports.js')).loadImports(imports);
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    return reportError(e, io);
  }
  return code;
}
