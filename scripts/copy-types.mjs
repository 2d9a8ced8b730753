#!/usr/bin/env node
// The generated protobuf code's declarations beside its compiled copy in dist/, so the library
// API's types resolve for a package user (tsconfig.types.json emits the rest).
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(join(root, 'dist', 'proto', 'gen'), { recursive: true });
copyFileSync(join(root, 'proto', 'gen', 'syncgrad.d.ts'), join(root, 'dist', 'proto', 'gen', 'syncgrad.d.ts'));
