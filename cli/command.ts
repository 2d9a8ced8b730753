// What every command module exports: a builder that adds itself to the program. Actions return an
// exit code through `ctx.exit` instead of calling process.exit, so tests run commands in-process.
import type { Command } from 'commander';
import type { Io } from '../common/console/io.js';

export interface CommandContext {
  io: Io;
  exit: (code: number) => void;
}

export type CommandModule = (program: Command, ctx: CommandContext) => void;
