import { main } from '../src/autodiff';

describe('autodiff example', () => {
  beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('gives ∂f/∂x = x and ∂f/∂y = 1/2 in every mode, matching mathjs', () => {
    const result = main({ x: -1.5, y: 2 });
    for (const pair of [result.reverse, result.forward, result.expression, result.symbolic]) {
      expect(pair[0]).toBeCloseTo(-1.5, 12);
      expect(pair[1]).toBeCloseTo(0.5, 12);
    }
  });
});
