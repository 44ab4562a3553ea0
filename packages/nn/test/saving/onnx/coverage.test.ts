/**
 * Every registered layer class exports to ONNX: each has a converter (the layers tests
 * run them in ONNX Runtime). InputLayer is not converted: it becomes a graph input.
 */
import { registeredLayers } from '@zen/nn';
import { onnxConverterClassNames } from '../../../src/saving/onnx/registry';
import '../../../src/saving/onnx/export';

it('every registered layer class has an ONNX converter', () => {
  const converted = new Set(onnxConverterClassNames());
  const missing = registeredLayers().filter((name) => name !== 'InputLayer' && !converted.has(name));
  expect(registeredLayers().length).toBeGreaterThan(50);
  expect(missing).toEqual([]);
});
