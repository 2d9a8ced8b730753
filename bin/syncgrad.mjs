#!/usr/bin/env node
// Thin entry point: all logic lives in common/cli/main.ts so tests can call main(argv) in-process.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../common/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
