/**
 * Zen's rnn.py: a SimpleRNN(64) → Dense(10) → Dense(1) network learns to predict the
 * next value of sin(t)·cos(t) from a window of 50 values sampled every 0.1 (about 31
 * points per period of sin(2t)/2), then plots a contiguous stretch of the series, true
 * and predicted, as an SVG file.
 */
import { setSeed } from '@zen/autograd-core';
import { sineSequences } from '@zen/datasets';
import { Adam, Dense, Sequential, SimpleRNN } from '@zen/nn';
import { parseOptions, positiveInt, runMain } from './lib/cli';
import { lineChartSvg, writeSvg } from './lib/svg-chart';

export async function main(argv: string[] = process.argv.slice(2)) {
  const options = parseOptions(
    'npm run example:rnn-sine --',
    "Zen's RNN on sin(t)·cos(t).",
    {
      epochs: { type: 'string', description: 'training epochs', default: '60' },
      plot: { type: 'string', description: 'where to write the SVG plot', default: 'models/rnn-sine.svg' },
    },
    argv,
  );
  const epochs = positiveInt('epochs', options.epochs);
  const window = 50;
  const step = 0.1; // the curve needs many points per period π to read as a curve
  const { x, y } = sineSequences({ length: 300, window, step });
  setSeed(3);
  const model = new Sequential([
    new SimpleRNN({ units: 64, inputShape: [window, 1] }),
    new Dense({ units: 10 }),
    new Dense({ units: 1 }),
  ]);
  model.compile({ optimizer: new Adam({ learningRate: 3e-3 }), loss: 'mse' });
  const history = await model.fit(x, y, { epochs, batchSize: 16, verbose: 0 });
  const losses = history.history.loss;
  const prediction = model.predict(x);
  const mse = prediction.sub(y).square().mean().item();
  const plot = options.plot as string;
  writeSvg(
    plot,
    lineChartSvg(
      [
        { name: 'sin(t)·cos(t)', values: Array.from(y.data) },
        { name: 'prediction', values: Array.from(prediction.data), dashed: true },
      ],
      {
        title: 'SimpleRNN: next value of sin(t)·cos(t)',
        xLabel: 't',
        yLabel: 'value',
        xStart: window * step, // the first target follows the first window
        xStep: step,
      },
    ),
  );
  console.log(
    `loss ${losses[0].toPrecision(3)} → ${losses[losses.length - 1].toPrecision(3)} over ${epochs} epochs`,
  );
  console.log(`mean squared error: ${mse.toExponential(2)}; plot written to ${plot}`);
  return { mse, firstLoss: losses[0], plot };
}

if (require.main === module) runMain(() => main());
