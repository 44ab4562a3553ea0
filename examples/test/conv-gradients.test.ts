import { handCalculation, main } from '../src/conv-gradients';

describe('conv-gradients example', () => {
  beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('the hand calculation gives the values worked out on paper', () => {
    const hand = handCalculation(
      [
        [3, 9, 0],
        [2, 8, 1],
        [1, 4, 8],
      ],
      [
        [8, 9],
        [4, 4],
      ],
    );
    // 3·8 + 9·9 + 2·4 + 8·4 = 145, and so on.
    expect(hand.output).toEqual([
      [145, 108],
      [108, 121],
    ]);
    expect(hand.imageGrad).toEqual([
      [8, 17, 9],
      [12, 25, 13],
      [4, 8, 4],
    ]);
    expect(hand.filterGrad).toEqual([
      [22, 18],
      [15, 21],
    ]);
  });

  it('autograd through conv2d agrees with the hand calculation', () => {
    const result = main();
    expect(result.agrees).toBe(true);
    expect(result.output).toEqual(result.hand.output);
    expect(result.imageGrad).toEqual(result.hand.imageGrad);
    expect(result.filterGrad).toEqual(result.hand.filterGrad);
  });
});
