/** exportTfjs in browsers: there is no file system to write the model's folder to. */

export async function writeTfjsFiles(dir: string, _shard: Uint8Array, _modelJson: string): Promise<void> {
  throw new Error(`exportTfjs: cannot write '${dir}' in a browser (no file system)`);
}
