/** The layers that own weights in a model, nested models' layers included (each once). */
import type { Layer } from '../../layers/layer';
import { InputLayer } from '../../models/input-layer';
import { Model } from '../../models/model';

export function leafLayers(model: Model, out: Layer[] = []): Layer[] {
  for (const layer of model.layers) {
    if (layer instanceof Model) leafLayers(layer, out);
    else if (!(layer instanceof InputLayer) && !out.includes(layer)) out.push(layer);
  }
  return out;
}
