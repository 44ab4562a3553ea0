/**
 * mathjs for fromExpression. Under Node it is required on the first fromExpression call
 * (it takes most of a second to load); the browser twin imports it statically instead,
 * so a bundle includes it only when fromExpression is used.
 */
import type * as MathJs from 'mathjs';

export function mathjs(): typeof MathJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('mathjs');
}
