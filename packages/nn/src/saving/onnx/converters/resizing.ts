/** ONNX converters for UpSampling2D, ZeroPadding2D and Cropping2D, done channels-first like Conv. */
import type { Cropping2D, UpSampling2D, ZeroPadding2D } from '../../../layers/resizing';
import { channelsFirst } from '../layout';
import { registerOnnxConverter } from '../registry';

// Nearest-neighbour repetition: output pixel i reads input pixel floor(i / size).
registerOnnxConverter<UpSampling2D>('UpSampling2D', {
  convert: (g, layer, [input]) => {
    const x = channelsFirst(g, input);
    const scales = g.weight('scales', [1, 1, ...layer.size], [4]);
    const y = g.op('Resize', [x.name, '', scales], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
    return { name: y, channelsFirst: true };
  },
});

registerOnnxConverter<ZeroPadding2D>('ZeroPadding2D', {
  convert: (g, layer, [input]) => {
    const x = channelsFirst(g, input);
    const [[top, bottom], [left, right]] = layer.padding;
    const pads = g.int64s('pads', [0, 0, top, left, 0, 0, bottom, right]);
    return { name: g.op('Pad', [x.name, pads], { mode: 'constant' }), channelsFirst: true };
  },
});

// Ends count from the far edge (−crop), or run to the end when nothing is cropped there.
registerOnnxConverter<Cropping2D>('Cropping2D', {
  convert: (g, layer, [input]) => {
    const x = channelsFirst(g, input);
    const [[top, bottom], [left, right]] = layer.cropping;
    const end = (crop: number) => (crop === 0 ? Number.MAX_SAFE_INTEGER : -crop);
    const y = g.op('Slice', [
      x.name,
      g.int64s('starts', [top, left]),
      g.int64s('ends', [end(bottom), end(right)]),
      g.int64s('axes', [2, 3]),
    ]);
    return { name: y, channelsFirst: true };
  },
});
