// `--import FILE`: modules that register custom tfjs-layers classes (tf.serialization.registerClass)
// before any model is built from its description, in this process and, through the environment,
// in the workers it starts. A module's default export, when it is a function, is called with
// syncgrad's own tfjs, so the classes land in the engine that deserialises the model.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../errors.js';
import { SYNCGRAD_LAYERS } from './user-model.js';

export async function loadImports(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(resolve(p)).href)) as { default?: unknown };
    } catch (e) {
      throw new ConfigError(`--import ${p}: cannot load it: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    }
    if (typeof mod.default === 'function')
      await (mod.default as (a: { tf: typeof tf; layers: typeof SYNCGRAD_LAYERS }) => unknown)({ tf, layers: SYNCGRAD_LAYERS });
  }
}
