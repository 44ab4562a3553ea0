/**
 * A character-level GPT trained from scratch on Moby Dick (bundled, no download):
 * TokenAndPositionEmbedding → TransformerDecoder × L → LayerNormalization → Dense, an
 * ordinary Sequential trained with fit. Prints loss and tokens/s, the validation loss
 * in nats and bits per character, a sample; saves model and tokenizer.
 *
 *   npm run gpt                                   # 1500 steps, 4 layers of width 128, context 64
 *   npm run gpt -- --steps 300 --layers 2         # a quicker run
 *   npm run gpt -- --text my.txt --minutes 10     # your own text, for at most 10 minutes
 *   npm run gpt -- --generate "Call me" --model models/gpt-moby
 *   npm run gpt -- --export-onnx                  # also write <out>/model.onnx (docs/deploy.md)
 */
import * as fs from 'fs';
import * as path from 'path';
import { setSeed } from '@zen/autograd-core';
import { CharTokenizer, TextWindows, loadBundledText, splitTokens } from '@zen/datasets';
import { AdamW, type Sequential, cosineDecay, exportOnnx, generate, gptModel, loadModel } from '@zen/nn';
import { UsageError, parseOptions, positiveInt, runMain } from './lib/cli';

export interface GptResult {
  steps: number;
  /** Mean training loss of the last logged steps. */
  trainLoss: number;
  /** Validation loss in nats per character. */
  valLoss: number;
  tokensPerSecond: number;
  sample: string;
  modelDir: string | null;
  /** The ONNX file, with --export-onnx. */
  onnxFile?: string;
}

const TOKENIZER_FILE = 'tokenizer.json';

async function sampleFromSaved(
  prompt: string,
  modelDir: string,
  length: number,
  temperature: number,
  seed: number,
): Promise<string> {
  const tokenizerPath = path.join(modelDir, TOKENIZER_FILE);
  if (!fs.existsSync(tokenizerPath)) {
    throw new UsageError(`--model ${modelDir}: no ${TOKENIZER_FILE} there (train first with npm run gpt)`);
  }
  const tokenizer = CharTokenizer.fromJSON(fs.readFileSync(tokenizerPath, 'utf8'));
  const model = (await loadModel(modelDir)) as Sequential;
  const ids = generate(model, Array.from(tokenizer.encode(prompt)), {
    maxNewTokens: length,
    temperature,
    seed,
  });
  return tokenizer.decode(ids);
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<GptResult | string> {
  const options = parseOptions(
    'npm run gpt --',
    'Trains a character-level GPT on Moby Dick (or --text FILE) and samples from it.',
    {
      steps: { type: 'string', description: 'training steps', default: '1500' },
      minutes: { type: 'string', description: 'stop training after this many minutes' },
      layers: { type: 'string', description: 'transformer decoder layers', default: '4' },
      width: { type: 'string', description: 'embedding width', default: '128' },
      heads: { type: 'string', description: 'attention heads', default: '4' },
      context: { type: 'string', description: 'context length (characters)', default: '64' },
      'batch-size': { type: 'string', description: 'windows per step', default: '16' },
      text: { type: 'string', description: 'train on this UTF-8 text file instead of Moby Dick' },
      seed: { type: 'string', description: 'random seed', default: '0' },
      out: { type: 'string', description: 'where to save model and tokenizer', default: 'models/gpt-moby' },
      generate: { type: 'string', description: 'sample from a saved model, starting with this prompt' },
      model: { type: 'string', description: 'the saved model for --generate', default: 'models/gpt-moby' },
      length: { type: 'string', description: 'characters to sample', default: '300' },
      temperature: { type: 'string', description: 'sampling temperature (0: greedy)', default: '0.8' },
      verbose: { type: 'string', description: '0 quiet, 1 progress', default: '1' },
      'export-onnx': {
        type: 'boolean',
        description: 'also write <out>/model.onnx (token ids [batch, context])',
      },
    },
    argv,
  );
  const seed = Number(options.seed);
  const length = positiveInt('length', options.length);
  const temperature = Number(options.temperature);
  if (!(temperature >= 0))
    throw new UsageError(`--temperature must be ≥ 0, got '${String(options.temperature)}'`);
  if (options.generate !== undefined) {
    const text = await sampleFromSaved(
      options.generate as string,
      options.model as string,
      length,
      temperature,
      seed,
    );
    console.log(text);
    return text;
  }
  const steps = positiveInt('steps', options.steps);
  const layers = positiveInt('layers', options.layers);
  const width = positiveInt('width', options.width);
  const heads = positiveInt('heads', options.heads);
  const context = positiveInt('context', options.context);
  const batchSize = positiveInt('batch-size', options['batch-size']);
  const minutes = options.minutes === undefined ? Infinity : Number(options.minutes);
  if (!(minutes > 0)) throw new UsageError(`--minutes must be positive, got '${String(options.minutes)}'`);
  const verbose = options.verbose !== '0';
  const log = (line: string) => verbose && console.log(line);

  const source = options.text as string | undefined;
  if (source !== undefined && !fs.existsSync(source)) throw new UsageError(`--text ${source}: no such file`);
  const text = source !== undefined ? fs.readFileSync(source, 'utf8') : loadBundledText('moby-dick');
  const tokenizer = CharTokenizer.fromText(text);
  const { train, validation } = splitTokens(tokenizer.encode(text), { validationFraction: 0.1 });
  log(
    `${source ?? 'Moby Dick'}: ${text.length.toLocaleString('en')} characters, ${tokenizer.vocabularySize} distinct; ` +
      `${train.length.toLocaleString('en')} for training, ${validation.length.toLocaleString('en')} held out`,
  );

  setSeed(seed);
  // The reference script's model: pre-norm GELU decoders, 4·width feed-forward.
  const model = gptModel({
    vocabularySize: tokenizer.vocabularySize,
    sequenceLength: context,
    width,
    layers,
    numHeads: heads,
  });
  const warmupSteps = Math.min(100, Math.floor(steps / 10));
  model.compile({
    optimizer: new AdamW({
      learningRate: cosineDecay({
        initialLearningRate: 0,
        warmupSteps,
        warmupTarget: 1e-3,
        decaySteps: Math.max(1, steps - warmupSteps),
      }),
      weightDecay: 0.01,
      globalClipNorm: 1,
    }),
    loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
  });
  model.build([null, context]);
  log(
    `model: ${layers} × TransformerDecoder(width ${width}, ${heads} heads, gelu, pre-norm), context ${context}, ` +
      `${model.countParams().toLocaleString('en')} parameters; ${steps} steps of ${batchSize} windows`,
  );

  // fit runs chunks of `logEvery` steps, each a fresh draw of random windows.
  const logEvery = Math.min(50, steps);
  const windows = new TextWindows(train, {
    sequenceLength: context,
    batchSize: batchSize * logEvery,
    batchesPerEpoch: 1,
    seed,
  });
  const started = Date.now();
  let done = 0;
  let trainLoss = NaN;
  while (done < steps && (Date.now() - started) / 60000 < minutes) {
    const chunk = Math.min(logEvery, steps - done);
    const [{ x, y }] = [...windows];
    const rows = chunk * batchSize;
    const history = await model.fit(x.slice([0, 0], [rows, context]), y.slice([0, 0], [rows, context]), {
      epochs: 1,
      batchSize,
      shuffle: false,
      verbose: 0,
    });
    done += chunk;
    trainLoss = history.history.loss[0];
    const seconds = (Date.now() - started) / 1000;
    log(
      `step ${String(done).padStart(5)}  loss ${trainLoss.toFixed(3)}  ` +
        `${Math.round((done * batchSize * context) / seconds).toLocaleString('en')} tokens/s  (${seconds.toFixed(0)} s)`,
    );
  }
  const seconds = (Date.now() - started) / 1000;
  const tokensPerSecond = (done * batchSize * context) / seconds;

  // Validation: 50 seeded batches of windows from the held-out tail.
  const held = new TextWindows(validation, {
    sequenceLength: context,
    batchSize: batchSize * 50,
    batchesPerEpoch: 1,
    seed: 'validation',
  });
  const [{ x: xv, y: yv }] = [...held];
  const valLoss = model.evaluate(xv, yv, { batchSize }).loss;
  log(
    `validation loss ${valLoss.toFixed(3)} nats (${(valLoss / Math.LN2).toFixed(2)} bits/char) after ${done} steps, ` +
      `${Math.round(tokensPerSecond).toLocaleString('en')} tokens/s over ${seconds.toFixed(0)} s`,
  );

  const prompt = 'Call me';
  const ids = generate(model, Array.from(tokenizer.encode(prompt)), {
    maxNewTokens: length,
    temperature,
    seed,
  });
  const sample = tokenizer.decode(ids);
  log(`\nsample (temperature ${temperature}):\n${sample}\n`);

  const outDir = options.out as string;
  await model.save(outDir);
  fs.writeFileSync(path.join(outDir, TOKENIZER_FILE), JSON.stringify(tokenizer.toJSON()));
  log(
    `saved the model and ${TOKENIZER_FILE} to ${outDir}/ (sample again: npm run gpt -- --generate "Call me")`,
  );
  let onnxFile: string | undefined;
  if (options['export-onnx']) {
    onnxFile = path.join(outDir, 'model.onnx');
    await exportOnnx(model, onnxFile);
    log(`exported ${onnxFile} (ONNX opset 17: int32 token ids [batch, ${context}] → logits)`);
  }
  return { steps: done, trainLoss, valLoss, tokensPerSecond, sample, modelDir: outDir, onnxFile };
}

if (require.main === module) runMain(() => main());
