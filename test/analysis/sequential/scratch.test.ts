import { it } from 'vitest';
import { alphaSpendingBoundaries, repeatedPValue } from '../../../src/analysis/sequential/alpha-spending.js';
it('x', () => {
  let t = performance.now();
  console.log(alphaSpendingBoundaries(0.025, 5, 'obrien-fleming').map((b) => b.toFixed(4)).join(' '), performance.now() - t);
  t = performance.now();
  console.log(alphaSpendingBoundaries(0.025, 5, 'pocock').map((b) => b.toFixed(4)).join(' '), performance.now() - t);
  t = performance.now();
  console.log(alphaSpendingBoundaries(0.025, 10, 'obrien-fleming').map((b) => b.toFixed(4)).join(' '), performance.now() - t);
  t = performance.now();
  console.log(repeatedPValue([1, 2, 3], { maxLooks: 10, spending: 'obrien-fleming' }), performance.now() - t);
  t = performance.now();
  for (let i = 0; i < 100000; i++) repeatedPValue([1, 2, 3, 1, 2, 2, 2, 2, 2, 2.5], { maxLooks: 10, spending: 'obrien-fleming' });
  console.log(performance.now() - t);
});
