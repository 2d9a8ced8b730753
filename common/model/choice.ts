// What `--model` accepts, without loading tfjs: options parse this in every process, and the
// networks themselves are built only where a run starts (build.ts).
import { extname } from 'node:path';
import { ConfigError } from '../errors.js';
import { SEED_CNN } from './spec.js';

export const DEFAULT_MODEL = SEED_CNN;
/** The zoo's names (zoo/index.ts builds them) with torchvision's input size, used when neither --image-size nor a preset gives one. */
export const ZOO_IMAGE_SIZES: Record<string, number> = { resnet18: 224, resnet50: 224, 'mobilenet-v2': 224 };
export const MODEL_NAMES = [SEED_CNN, ...Object.keys(ZOO_IMAGE_SIZES)];
/** `--import` modules (absolute paths, joined by the platform's path delimiter): set by the CLI, inherited by the workers it starts. */
export const IMPORTS_ENV = 'SYNCGRAD_IMPORTS';
export const MODEL_FILE_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.json'];

export const isModelFile = (choice: string): boolean => MODEL_FILE_EXTENSIONS.includes(extname(choice).toLowerCase()) || choice.includes('/');

/** Checks that `choice` names a built-in model or a model file, before anything is built. */
export function checkModelChoice(choice: string): string {
  if (MODEL_NAMES.includes(choice) || isModelFile(choice)) return choice;
  throw new ConfigError(`unknown --model "${choice}" (choose ${MODEL_NAMES.join(', ')}, or a .js, .mjs, .ts or model.json file)`);
}

export function defaultImageSizeFor(choice: string): number | undefined {
  return ZOO_IMAGE_SIZES[choice];
}
