/** mathjs for fromExpression in browsers: a static import that bundlers drop with fromExpression. */
import * as MathJs from 'mathjs';

export function mathjs(): typeof MathJs {
  return MathJs;
}
