import * as fs from 'fs';
import * as path from 'path';
import { maxDigitJsonValues, parseDigitJson } from '../src/digit-json';

const parse = (text: string) => {
  const bytes = Buffer.from(text);
  const out = new Float32Array(maxDigitJsonValues(bytes.length));
  const count = parseDigitJson(bytes, 'test.json', out);
  return Array.from(out.subarray(0, count));
};

describe('parseDigitJson', () => {
  it('gives exactly what JSON.parse gives on a real digit file', () => {
    const file = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits', '5.json');
    const bytes = fs.readFileSync(file);
    const expected = Float32Array.from((JSON.parse(bytes.toString('utf8')) as { data: number[] }).data);
    const out = new Float32Array(maxDigitJsonValues(bytes.length));
    const count = parseDigitJson(bytes, file, out);
    expect(count).toBe(expected.length);
    expect(Buffer.from(out.buffer, 0, count * 4).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it('reads integers, decimals, white space and an empty list', () => {
    expect(parse('{ "data": [0, 1,0.5 ,\n 0.125,12.75] }')).toEqual([0, 1, 0.5, 0.125, 12.75]);
    expect(parse('{"data":[]}')).toEqual([]);
    expect(parse('{"data":[ ]}')).toEqual([]);
  });

  it('refuses anything else with its byte offset', () => {
    expect(() => parse('{"data":[0,-1]}')).toThrow(
      "loadBundledMnist: test.json: unexpected character '-' at byte 11 (expected an unsigned decimal number)",
    );
    expect(() => parse('{"data":[0,,1]}')).toThrow("unexpected character ',' at byte 11");
    expect(() => parse('{"data":[1.,2]}')).toThrow('no digits after the decimal point at byte 11');
    expect(() => parse('{"data":[1,2,]}')).toThrow('missing number after the last comma at byte 13');
    expect(() => parse('{"data":[1 2]}')).toThrow("unexpected character '2' at byte 11");
    expect(() => parse('{"data":1}')).toThrow('loadBundledMnist: test.json: no [ … ] number list found');
  });

  it('refuses to write past the end of its output', () => {
    expect(() => parseDigitJson(Buffer.from('[1,2,3]'), 'small.json', new Float32Array(2))).toThrow(
      'loadBundledMnist: small.json: no room for more than 2 numbers at byte 5',
    );
  });
});
