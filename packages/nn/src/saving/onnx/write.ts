/** exportOnnx: writes a model's ONNX bytes to a file, atomically (temporary file, then rename). */
import { promises as fs } from 'fs';
import { ValueError } from '@zen/autograd-core';
import * as path from 'path';
import type { Model } from '../../models/model';
import { writeFileAtomic } from '@zen/datasets';
import { type OnnxExportOptions, toOnnx } from './export';

/**
 * Writes `model` as an ONNX file at `file` (directories are created). The model is
 * converted completely before anything is written, and the file appears by a rename,
 * so a refused layer or a crash never leaves a half-written file at `file`.
 */
export async function exportOnnx(model: Model, file: string, options: OnnxExportOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new ValueError('exportOnnx: a file path is required');
  const bytes = toOnnx(model, options);
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomic(file, bytes);
}
