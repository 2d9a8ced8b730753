// `syncgrad export`: a checkpoint's weights to the file(s) of one format, written atomically, with
// what a user needs to feed the model (classes, input size, pixel normalisation) beside them.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { PIXEL_MEAN, PIXEL_STD } from '../data/normalize.js';
import type { Checkpoint } from '../run/checkpoint.js';
import type { BackendChoice } from '../backend/choices.js';
import { toSafetensors, torchStateDict, type ExportFormat } from './safetensors.js';
import { torchvisionStateDict } from './torchvision.js';

/** Writes `out` in `format`; returns the files written. */
export async function exportRun(ck: Checkpoint, format: ExportFormat, out: string, backend: BackendChoice): Promise<string[]> {
  const m = ck.meta.model;
  const about = { classes: ck.meta.classes, imageSize: m.imageSize, channels: m.channels, pixelMean: PIXEL_MEAN, pixelStd: PIXEL_STD, steps: ck.meta.step };
  if (format === 'safetensors') {
    const metadata = { format: 'pt', syncgrad: JSON.stringify({ ...about, layout: 'NCHW input, (x/255 - pixelMean) / pixelStd, logits out' }) };
    await rm(out, { recursive: true, force: true });
    const tensors = m.layers ? torchvisionStateDict(m, ck.weights, ck.meta.step) : torchStateDict(m, ck.weights);
    return [await writeFileAtomic(out, toSafetensors(tensors, metadata))];
  }
  const { initBackend } = await import('../backend/select.js');
  await initBackend(backend);
  const { toLayersModel, WEIGHTS_FILE } = await import('./tfjs.js');
  const files = await toLayersModel(m, ck.weights, { ...about, input: 'NHWC, (x/255 - pixelMean) / pixelStd', output: 'logits' });
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const weights = await writeFileAtomic(join(out, WEIGHTS_FILE), files.weights);
  const json = await writeFileAtomic(join(out, 'model.json'), `${JSON.stringify(files.modelJson)}\n`);
  return [json, weights];
}
