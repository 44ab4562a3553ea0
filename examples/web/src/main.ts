/**
 * The page: starts the training worker, draws its progress (a loss/accuracy chart and a
 * progress bar), then classifies what is drawn on the pad as ten probability bars.
 * Query options: ?epochs=3&limit=10000&retrain (train again instead of reloading the
 * model kept in IndexedDB).
 */
import type { FromWorker, ToWorker } from './messages';
import { SIDE, toMnistDigit } from './preprocess';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $<HTMLElement>('status');
const progress = $<HTMLProgressElement>('progress');
const chart = $<HTMLCanvasElement>('chart');
const pad = $<HTMLCanvasElement>('pad');
const bars = $<HTMLElement>('bars');
const prediction = $<HTMLElement>('prediction');

const params = new URLSearchParams(location.search);
const worker = new Worker('train-worker.js');
const send = (message: ToWorker) => worker.postMessage(message);

// ---- training progress -------------------------------------------------------------
const losses: number[] = [];
const accuracies: number[] = [];
let drawQueued = false;

function drawChart(): void {
  drawQueued = false;
  const ctx = chart.getContext('2d')!;
  const { width, height } = chart;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = '#ddd';
  ctx.strokeRect(0.5, 0.5, width - 1, height - 1);
  const maxLoss = Math.max(1e-6, ...losses);
  const line = (values: number[], top: number, color: string) => {
    ctx.strokeStyle = color;
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = (i / Math.max(1, values.length - 1)) * (width - 10) + 5;
      const y = height - 5 - (v / top) * (height - 10);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  };
  line(losses, maxLoss, '#d9534f');
  line(accuracies, 1, '#2a7ae2');
  ctx.fillStyle = '#333';
  ctx.fillText(`loss ${losses.at(-1)?.toFixed(3) ?? '–'}`, 10, 14);
  ctx.fillText(`accuracy ${accuracies.at(-1)?.toFixed(3) ?? '–'}`, 10, 28);
}

function queueChart(): void {
  if (!drawQueued) {
    drawQueued = true;
    requestAnimationFrame(drawChart);
  }
}

// ---- the drawing pad -----------------------------------------------------------------
const padContext = pad.getContext('2d', { willReadFrequently: true })!;

function clearPad(): void {
  padContext.fillStyle = '#000';
  padContext.fillRect(0, 0, pad.width, pad.height);
  prediction.textContent = 'draw a digit';
  showBars(new Array(10).fill(0));
}

let drawing = false;
pad.addEventListener('pointerdown', (event) => {
  drawing = true;
  pad.setPointerCapture(event.pointerId);
  padContext.strokeStyle = '#fff';
  padContext.lineWidth = pad.width / 14;
  padContext.lineCap = 'round';
  padContext.lineJoin = 'round';
  padContext.beginPath();
  padContext.moveTo(event.offsetX, event.offsetY);
});
pad.addEventListener('pointermove', (event) => {
  if (!drawing) return;
  padContext.lineTo(event.offsetX, event.offsetY);
  padContext.stroke();
});
pad.addEventListener('pointerup', () => {
  drawing = false;
  void classifyPad();
});

function showBars(probabilities: number[]): void {
  bars.replaceChildren(
    ...probabilities.map((p, digit) => {
      const row = document.createElement('div');
      row.className = 'bar';
      row.innerHTML = `<span>${digit}</span><span class="track"><span class="fill" style="width:${(p * 100).toFixed(1)}%"></span></span><span>${(p * 100).toFixed(1)}%</span>`;
      return row;
    }),
  );
}

let nextId = 0;
const pending = new Map<number, (probabilities: number[][]) => void>();

/** Classifies 28×28 images (each 784 values in [0, 1]) in the worker. */
function predict(images: Float32Array[]): Promise<number[][]> {
  const pixels = new Float32Array(images.length * SIDE * SIDE);
  images.forEach((image, i) => pixels.set(image, i * SIDE * SIDE));
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    send({ type: 'predict', id, pixels, count: images.length });
  });
}

/** Centres and scales the drawing like an MNIST digit and shows the ten probabilities. */
async function classifyPad(): Promise<number[] | null> {
  const { data, width, height } = padContext.getImageData(0, 0, pad.width, pad.height);
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = data[4 * i] / 255;
  const digit = toMnistDigit(ink, width, height);
  if (!digit) return null;
  const [probabilities] = await predict([digit]);
  showBars(probabilities);
  const best = probabilities.indexOf(Math.max(...probabilities));
  prediction.textContent = `prediction: ${best}`;
  return probabilities;
}

// ---- worker messages -----------------------------------------------------------------
worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'backend':
      $('backend').textContent =
        `backend: ${message.name}, ${message.threads} thread${message.threads === 1 ? '' : 's'}` +
        (message.isolated ? ' (cross-origin isolated)' : '');
      break;
    case 'status':
      status.textContent = message.text;
      break;
    case 'batch': {
      losses.push(message.loss);
      accuracies.push(message.accuracy);
      progress.max = message.epochs * message.steps;
      progress.value = message.epoch * message.steps + message.step;
      status.textContent = `epoch ${message.epoch + 1}/${message.epochs}, step ${message.step}/${message.steps}`;
      queueChart();
      break;
    }
    case 'epoch':
      break;
    case 'done':
      progress.value = progress.max;
      $('source').textContent =
        message.source === 'indexeddb'
          ? 'model loaded from IndexedDB (saved on an earlier visit)'
          : `trained on ${message.samples} digits in ${message.seconds.toFixed(1)} s; saved to IndexedDB`;
      status.textContent = `test accuracy: ${message.accuracy.toFixed(4)}`;
      document.body.dataset.state = 'ready';
      break;
    case 'prediction':
      pending.get(message.id)?.(message.probabilities);
      pending.delete(message.id);
      break;
    case 'error':
      status.textContent = `error: ${message.message}`;
      document.body.dataset.state = 'error';
      break;
  }
};

$('clear').addEventListener('click', clearPad);
$('predict').addEventListener('click', () => void classifyPad());
$('retrain').addEventListener('click', () => {
  location.search = `?${new URLSearchParams({ ...Object.fromEntries(params), retrain: '' })}`;
});

clearPad();
drawChart();
send({
  type: 'start',
  options: {
    epochs: Number(params.get('epochs') ?? 3),
    limit: params.has('limit') ? Number(params.get('limit')) : undefined,
    retrain: params.has('retrain'),
  },
});

/** For scripts and tests: classify images without drawing them. */
(window as unknown as { zenDemo: unknown }).zenDemo = {
  predict: (images: number[][]) => predict(images.map((image) => Float32Array.from(image))),
  classifyPad,
};
