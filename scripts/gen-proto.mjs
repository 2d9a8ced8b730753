#!/usr/bin/env node
// Static protobufjs codegen: proto/syncgrad.proto → proto/gen/syncgrad.js (+ .d.ts). The output is
// committed so `npm ci` needs no generator run; `npm run proto` regenerates it after edits.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const out = join(root, 'proto', 'gen', 'syncgrad.js');
execFileSync(
  bin('pbjs'),
  ['-t', 'static-module', '-w', 'es6', '--force-number', '--no-verify', '--no-delimited', '--no-convert', '-o', out, join(root, 'proto', 'syncgrad.proto')],
  { stdio: 'inherit' },
);
execFileSync(bin('pbts'), ['-o', join(root, 'proto', 'gen', 'syncgrad.d.ts'), out], { stdio: 'inherit' });
console.log('wrote proto/gen/syncgrad.js and syncgrad.d.ts');
