// Shared test fixtures: temp dirs that clean up after themselves, tiny real datasets, and the CLI
// run in-process with its output captured.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendChoice } from '../../common/backend/select.js';
import { main } from '../../cli/main.js';
import { makeShapesDataset } from '../../demo/shapes.js';
import { memoryIo } from '../../common/console/io.js';
import { TEST_BACKEND } from './backend.js';

export interface TempDir extends AsyncDisposable {
  path: string;
}

export async function tempDir(prefix = 'syncgrad-test-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** A real shapes dataset (sharp-rendered PNG/JPEG files) small enough for tests. */
export async function tinyShapes(dir: string, perClass = 5, size = 16, seed = 3): Promise<string> {
  await makeShapesDataset({ out: dir, perClass, size, seed });
  return dir;
}

/** The suite's backend (TEST_BACKEND), a temp dir and a real shapes dataset in it: most integration files' `before`. */
export async function shapesFixture(perClass: number, size: number): Promise<{ tmp: TempDir; data: string }> {
  await useBackend(TEST_BACKEND);
  const tmp = await tempDir();
  return { tmp, data: await tinyShapes(join(tmp.path, 'shapes'), perClass, size) };
}

export interface CliResult {
  code: number;
  out: string[];
  err: string[];
}

export async function cli(...argv: string[]): Promise<CliResult> {
  const io = memoryIo();
  const code = await main(argv, io);
  return { code, out: io.lines, err: io.errors };
}

/** Selects a backend for a test file; tfjs keeps one active backend per process. */
export async function useBackend(b: BackendChoice): Promise<void> {
  await initBackend(b);
  tf.env().set('PROD', true);
}
