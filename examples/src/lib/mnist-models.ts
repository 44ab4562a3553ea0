/** The two MNIST models the examples train: Zen's MLP and a small CNN. */
import { Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Sequential, Sigmoid, Softmax } from '@zen/nn';

/** Zen's mnist.py network: Dense 64 → Dense 32 → Sigmoid → Dense 10 → Softmax, on flattened digits. */
export function zenMlp(): Sequential {
  return new Sequential([
    new Flatten({ inputShape: [28, 28, 1] }),
    new Dense({ units: 64 }),
    new Dense({ units: 32 }),
    new Sigmoid(),
    new Dense({ units: 10 }),
    new Softmax(),
  ]);
}

/** Two 3×3 convolutions with max pooling, dropout, a hidden dense layer, then a softmax classifier. */
export function smallCnn(): Sequential {
  return new Sequential([
    new Conv2D({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    new MaxPooling2D({ poolSize: 2 }),
    new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }),
    new MaxPooling2D({ poolSize: 2 }),
    new Flatten(),
    new Dropout({ rate: 0.3 }),
    new Dense({ units: 64, activation: 'relu' }),
    new Dense({ units: 10, activation: 'softmax' }),
  ]);
}
