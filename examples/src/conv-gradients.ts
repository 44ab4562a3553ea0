/**
 * Zen's cnn.py: a 3×3 image convolved with a 2×2 filter, and the gradients of the
 * summed output with respect to the image and the filter — compared with a hand
 * calculation written as explicit loops.
 */
import { type Tensor, conv2d, tensor } from '@zen/autograd-core';
import { runMain } from './lib/cli';

const IMAGE = [
  [3, 9, 0],
  [2, 8, 1],
  [1, 4, 8],
];
const FILTER = [
  [8, 9],
  [4, 4],
];

/** Hand calculation: valid cross-correlation and d(Σ out)/d(image), d(Σ out)/d(filter). */
export function handCalculation(image: number[][], filter: number[][]) {
  const outSize = image.length - filter.length + 1;
  const output = [...Array(outSize)].map(() => new Array<number>(outSize).fill(0));
  const imageGrad = image.map((row) => row.map(() => 0));
  const filterGrad = filter.map((row) => row.map(() => 0));
  for (let i = 0; i < outSize; i++)
    for (let j = 0; j < outSize; j++)
      for (let u = 0; u < filter.length; u++)
        for (let v = 0; v < filter.length; v++) {
          output[i][j] += image[i + u][j + v] * filter[u][v];
          imageGrad[i + u][j + v] += filter[u][v]; // ∂out[i][j]/∂image[i+u][j+v] = filter[u][v]
          filterGrad[u][v] += image[i + u][j + v]; // ∂out[i][j]/∂filter[u][v] = image[i+u][j+v]
        }
  return { output, imageGrad, filterGrad };
}

/** A tensor with one batch and one channel as a plain matrix of `rows` rows. */
const matrix = (t: Tensor, rows: number): number[][] => t.reshape([rows, -1]).toArray() as number[][];

export function main() {
  const image = tensor(IMAGE.flat(), { shape: [1, 3, 3, 1], dtype: 'float64', requiresGrad: true }); // NHWC
  const filter = tensor(FILTER, { dtype: 'float64', requiresGrad: true });
  const output = conv2d(image, filter.reshape([2, 2, 1, 1]));
  output.sum().backward();
  const result = {
    output: matrix(output, 2),
    imageGrad: matrix(image.grad!, 3),
    filterGrad: filter.grad!.toArray() as number[][],
  };
  const hand = handCalculation(IMAGE, FILTER);
  console.log('output:', JSON.stringify(result.output), ' hand:', JSON.stringify(hand.output));
  console.log('d(sum)/d(image):', JSON.stringify(result.imageGrad), ' hand:', JSON.stringify(hand.imageGrad));
  console.log(
    'd(sum)/d(filter):',
    JSON.stringify(result.filterGrad),
    ' hand:',
    JSON.stringify(hand.filterGrad),
  );
  const agrees = JSON.stringify(result) === JSON.stringify(hand);
  console.log(agrees ? 'autograd agrees with the hand calculation' : 'MISMATCH with the hand calculation');
  return { ...result, hand, agrees };
}

if (require.main === module) runMain(main);
