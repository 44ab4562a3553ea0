/** Models used as layers (a Model or Sequential inside another model): their layers are inlined. */
import type { Model } from '../../../models/model';
import { convertModel } from '../model-graph';
import { registerOnnxConverter } from '../registry';

for (const className of ['Sequential', 'Functional']) {
  registerOnnxConverter<Model>(className, {
    convert: (g, model, inputs) => convertModel(g, model, inputs),
  });
}
