#!/usr/bin/env node
// Thin entry point: all logic lives in cli/main.ts, compiled to dist/ (npm run build, which npm ci
// runs through `prepare`), so tests call main(argv) in-process and the bin starts without a
// TypeScript compiler in the way.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(dist)) {
  console.error('syncgrad: dist/ is missing: run `npm run build` (npm ci runs it)');
  process.exit(1);
}
const { main } = await import(dist.href);
process.exitCode = await main(process.argv.slice(2));
