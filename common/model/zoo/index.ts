// The built-in classifiers besides the seed CNN, by the names `--model` takes.
import type * as tf from '@tensorflow/tfjs';
import type { Sym } from './blocks.js';
import type { ClassifierInit } from './init.js';
import { mobilenetV2 } from './mobilenet-v2.js';
import { resnet18, resnet50 } from './resnet.js';

export interface ZooModel {
  build: (input: Sym, classes: number) => tf.LayersModel;
  classifierInit: ClassifierInit;
  /** Five stride-2 stages: below 32 px the last stage's feature map is under one pixel of input. */
  minImageSize: number;
}

export const ZOO: Record<string, ZooModel> = {
  resnet18: { build: resnet18, classifierInit: 'linear-default', minImageSize: 32 },
  resnet50: { build: resnet50, classifierInit: 'linear-default', minImageSize: 32 },
  'mobilenet-v2': { build: mobilenetV2, classifierInit: 'normal-0.01', minImageSize: 32 },
};
