/**
 * Layer normalisation over the last axis of [rows, n], forward and backward in one pass
 * over each row's data (plus one to write it): y = (x − μ)·r·γ + β with r = 1/√(σ² + ε).
 * The statistics are taken in double precision whatever the storage.
 */
import type { TypedArray } from '../dtype';

/** Writes y and each row's mean μ and reciprocal standard deviation r. */
export function layerNormForward(
  x: TypedArray,
  gamma: TypedArray,
  beta: TypedArray,
  rows: number,
  n: number,
  epsilon: number,
  out: TypedArray,
  mean: TypedArray,
  rstd: TypedArray,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum += x[base + j];
    const mu = sum / n;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const d = x[base + j] - mu;
      squares += d * d;
    }
    const inv = 1 / Math.sqrt(squares / n + epsilon);
    mean[r] = mu;
    rstd[r] = inv;
    for (let j = 0; j < n; j++) out[base + j] = (x[base + j] - mu) * inv * gamma[j] + beta[j];
  }
}

/** Which gradients `layerNormBackward` writes (null: not wanted). */
export interface LayerNormGradients {
  dx: TypedArray | null;
  dgamma: TypedArray | null;
  dbeta: TypedArray | null;
}

/**
 * From the output gradient g and the forward's μ and r, with x̂ = (x − μ)·r and
 * ĝ = g·γ: dx = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) per row, dγ = Σ_rows g·x̂, dβ = Σ_rows g.
 */
export function layerNormBackward(
  x: TypedArray,
  gamma: TypedArray,
  g: TypedArray,
  mean: TypedArray,
  rstd: TypedArray,
  rows: number,
  n: number,
  grads: LayerNormGradients,
): void {
  const { dx, dgamma, dbeta } = grads;
  if (dgamma) dgamma.fill(0);
  if (dbeta) dbeta.fill(0);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    const mu = mean[r];
    const inv = rstd[r];
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < n; j++) {
      const xhat = (x[base + j] - mu) * inv;
      const gj = g[base + j];
      const gh = gj * gamma[j];
      sumG += gh;
      sumGX += gh * xhat;
      if (dgamma) dgamma[j] += gj * xhat;
      if (dbeta) dbeta[j] += gj;
    }
    if (!dx) continue;
    const meanG = sumG / n;
    const meanGX = sumGX / n;
    for (let j = 0; j < n; j++) {
      const xhat = (x[base + j] - mu) * inv;
      dx[base + j] = inv * (g[base + j] * gamma[j] - meanG - xhat * meanGX);
    }
  }
}
