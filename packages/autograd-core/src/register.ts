/** Wires the engine to the ops it needs for broadcasting and seeding (avoids an import cycle). */
import { registerShapeOps } from './engine';
import { add } from './ops/elementwise';
import { astype, broadcastTo, padInto, sumToShape } from './ops/shape';
import { onesLike } from './creation';

registerShapeOps({
  add: (a, b) => add(a, b),
  sumToShape,
  broadcastTo,
  onesLike: (t) => onesLike(t),
  astype: (t, like) => astype(t, like.dtype),
  padInto,
});
