/**
 * examples/triton/mnist_cnn/config.pbtxt is well-formed protobuf text format, has the
 * fields Triton's onnxruntime backend needs, and names the inputs and outputs (with
 * their dims) of the graph `npm run mnist -- --export-onnx` writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { onnx } from 'onnx-proto';
import { toOnnx } from '@zen/nn';
import { smallCnn } from '../src/lib/mnist-models';

type Value = string | number | Message;
interface Message {
  [field: string]: Value[];
}

/** A small parser of protobuf text format (fields, nested messages, lists, strings, numbers, enums). */
function parseTextFormat(text: string): Message {
  const tokens = text
    .replace(/#[^\n]*/g, '')
    .match(/"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g) as string[];
  let at = 0;
  const next = (): string => {
    if (at >= tokens.length) throw new Error('config.pbtxt: unexpected end of file');
    return tokens[at++];
  };
  const expect = (t: string): void => {
    const got = next();
    if (got !== t) throw new Error(`config.pbtxt: expected '${t}', got '${got}'`);
  };
  const scalar = (t: string): Value => {
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(t)) return t; // an enum value
    throw new Error(`config.pbtxt: bad value '${t}'`);
  };
  const value = (): Value => {
    const t = next();
    return t === '{' ? message('}') : scalar(t);
  };
  const message = (end: string | null): Message => {
    const m: Message = {};
    while (end === null ? at < tokens.length : tokens[at] !== end) {
      const name = next();
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`config.pbtxt: bad field name '${name}'`);
      if (tokens[at] === ':') at++;
      const values = (m[name] ??= []);
      if (tokens[at] === '[') {
        at++;
        while (tokens[at] !== ']') {
          values.push(value());
          if (tokens[at] === ',') at++;
        }
        at++;
      } else values.push(value());
    }
    if (end !== null) expect(end);
    return m;
  };
  return message(null);
}

const configFile = path.join(__dirname, '..', 'triton', 'mnist_cnn', 'config.pbtxt');

describe('the Triton model configuration', () => {
  const config = parseTextFormat(fs.readFileSync(configFile, 'utf8'));

  it('is well-formed and complete for the onnxruntime backend', () => {
    expect(config.name).toEqual(['mnist_cnn']);
    expect(config.backend).toEqual(['onnxruntime']);
    expect(config.max_batch_size).toHaveLength(1);
    expect(config.max_batch_size[0]).toBeGreaterThan(0);
    for (const tensor of [...config.input, ...config.output] as Message[]) {
      expect(Object.keys(tensor).sort()).toEqual(['data_type', 'dims', 'name']);
      expect(tensor.data_type).toEqual(['TYPE_FP32']);
    }
    expect(() => parseTextFormat('input [ { name: "x" ')).toThrow(/unexpected end/);
  });

  it("matches the exported graph's input and output names and dims (batch axis left to Triton)", () => {
    const graph = onnx.ModelProto.decode(toOnnx(smallCnn())).graph as onnx.GraphProto;
    const describe = (v: onnx.IValueInfoProto) => ({
      name: [v.name],
      dims: v.type!.tensorType!.shape!.dim!.slice(1).map((d) => Number(d.dimValue)),
    });
    const fromConfig = (m: Message) => ({ name: m.name, dims: m.dims });
    expect((config.input as Message[]).map(fromConfig)).toEqual(graph.input.map(describe));
    expect((config.output as Message[]).map(fromConfig)).toEqual(graph.output.map(describe));
    expect(graph.input[0].type!.tensorType!.shape!.dim![0].dimParam).toBe('batch');
  });
});
