#!/usr/bin/env node
// Thin entry point: all logic lives in cli/main.ts so tests can call main(argv) in-process.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
