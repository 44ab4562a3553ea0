/** exportOnnx in browsers: there is no file system; toOnnx gives the bytes to download or upload. */
import type { Model } from '../../models/model';
import type { OnnxExportOptions } from './export';

export async function exportOnnx(
  _model: Model,
  file: string,
  _options: OnnxExportOptions = {},
): Promise<void> {
  throw new Error(
    `exportOnnx: cannot write '${file}' in a browser (no file system); use toOnnx(model) for the bytes`,
  );
}
