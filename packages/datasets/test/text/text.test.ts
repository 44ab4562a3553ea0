import { CharTokenizer, TextWindows, loadBundledText, splitTokens } from '@zen/datasets';

describe('CharTokenizer', () => {
  const tok = CharTokenizer.fromText('hello, wörld—');

  test('sorted distinct characters; encode and decode round trip', () => {
    expect(tok.vocabulary).toEqual([' ', ',', 'd', 'e', 'h', 'l', 'o', 'r', 'w', 'ö', '—']);
    expect(tok.vocabularySize).toBe(11);
    const ids = tok.encode('world, hello');
    expect(Array.from(ids)).toEqual([8, 6, 7, 5, 2, 1, 0, 4, 3, 5, 5, 6]);
    expect(tok.decode(ids)).toBe('world, hello');
  });

  test('unknown characters: an error naming them, or the oovToken', () => {
    expect(() => tok.encode('hex')).toThrow(/CharTokenizer.encode: character "x" \(U\+0078\) at position 2/);
    const lenient = CharTokenizer.fromText('ab ', { oovToken: ' ' });
    expect(Array.from(lenient.encode('abc'))).toEqual([1, 2, 0]);
    expect(() => tok.decode([11])).toThrow(/id 11 at position 0 is not in \[0, 11\)/);
  });

  test('JSON round trip', () => {
    const again = CharTokenizer.fromJSON(JSON.stringify(tok));
    expect(again.vocabulary).toEqual(tok.vocabulary);
    expect(again.decode(again.encode('hello'))).toBe('hello');
    expect(() => CharTokenizer.fromJSON('{"vocabulary":[]}')).toThrow(/CharTokenizer.fromJSON/);
  });
});

describe('bundled text and next-token windows', () => {
  const text = loadBundledText('moby-dick');

  test("'moby-dick' is the novel: about 1.2 M characters, 89 distinct", () => {
    expect(text.length).toBeGreaterThan(1_200_000);
    expect(new Set(text).size).toBe(89);
    expect(text).toContain('Call me Ishmael.');
    expect(() => loadBundledText('war-and-peace' as never)).toThrow(/unknown text 'war-and-peace'/);
  });

  test('windows: y is x shifted by one, draws reproducible per seed and fresh per epoch', () => {
    const ids = Int32Array.from({ length: 500 }, (_, i) => i);
    const { train, validation } = splitTokens(ids, { validationFraction: 0.2 });
    expect([train.length, validation.length, validation[0]]).toEqual([400, 100, 400]);
    const windows = new TextWindows(train, { sequenceLength: 8, batchSize: 4, batchesPerEpoch: 3, seed: 1 });
    const epoch1 = [...windows];
    const epoch2 = [...windows];
    expect(epoch1).toHaveLength(3);
    for (const { x, y } of epoch1) {
      expect(x.shape).toEqual([4, 8]);
      expect(x.dtype).toBe('int32');
      for (let i = 0; i < x.size; i++) expect(y.data[i]).toBe(x.data[i] + 1);
      expect(Math.max(...y.data)).toBeLessThan(400);
    }
    expect(epoch2[0].x.toArray()).not.toEqual(epoch1[0].x.toArray());
    const same = new TextWindows(train, { sequenceLength: 8, batchSize: 4, batchesPerEpoch: 3, seed: 1 });
    expect([...same][0].x.toArray()).toEqual(epoch1[0].x.toArray());
    expect(
      () => new TextWindows(ids.subarray(0, 5), { sequenceLength: 8, batchSize: 1, batchesPerEpoch: 1 }),
    ).toThrow(/5 tokens are too few/);
  });
});
