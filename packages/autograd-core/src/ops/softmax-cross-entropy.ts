/**
 * Softmax cross-entropy from logits as one op, with integer labels (TensorFlow's
 * `sparse_softmax_cross_entropy_with_logits`, PyTorch's `F.cross_entropy` without the mean):
 * one loss per row, log Σ_j e^{z_j} − z_y; or with target distributions, one-hot or soft
 * (TensorFlow's `softmax_cross_entropy_with_logits`): Σ_j t_j·(log Σ_k e^{z_k} − z_j). The
 * forward kernel keeps the rows' softmax and the unrecorded backward pass is one kernel
 * pass, g·(softmax − onehot(y)) or g·(softmax·Σt − t). Recorded passes (createGraph,
 * forward mode) write the same rules with Tensor ops, so gradients of gradients work.
 */
import { type Op, defineOp, isGradEnabled } from '../engine';
import { type TypedArray, floatDType } from '../dtype';
import { formatShape } from '../shape';
import { type Tensor, outputTensor } from '../tensor';
import { getBackend } from '../backend';
import { ShapeError, ValueError } from '../errors';
import { logSoftmax, softmax } from './nn';
import { oneHot } from './shape';
import { sumTangents } from './util';

interface CrossEntropyAttrs {
  /** Filled by the forward pass: each row's softmax. */
  probs: TypedArray | null;
}

function rowsOf(logits: Tensor): [number, number] {
  const classes = logits.shape[logits.ndim - 1];
  return [classes === 0 ? 0 : logits.size / classes, classes];
}

/** g [...] as [..., 1], to scale rows of [..., classes]. */
const perRow = (g: Tensor) => g.reshape([...g.shape, 1]);

/** One loss per row from the backend's forward kernel, the rows' softmax kept in attrs. */
function forwardKeepingSoftmax(
  kernel: 'softmaxCrossEntropy' | 'softmaxCrossEntropyDense',
  logits: Tensor,
  targets: Tensor,
  attrs: CrossEntropyAttrs,
): Tensor {
  const [rows, classes] = rowsOf(logits);
  const loss = outputTensor(logits.shape.slice(0, -1), logits.dtype);
  const probs = outputTensor(logits.shape, logits.dtype).data;
  getBackend()[kernel](logits.data, rows, classes, targets.data, loss.data, probs);
  attrs.probs = probs;
  return loss;
}

const crossEntropyOp: Op<CrossEntropyAttrs> = defineOp<CrossEntropyAttrs>({
  name: 'sparseSoftmaxCrossEntropy',
  forward: ([logits, labels], attrs) => forwardKeepingSoftmax('softmaxCrossEntropy', logits, labels, attrs),
  vjp: (g, [logits, labels], _out, attrs) => {
    const [rows, classes] = rowsOf(logits);
    if (!isGradEnabled() && attrs.probs) {
      const grad = g.dtype === logits.dtype ? g : g.astype(logits.dtype);
      const dlogits = outputTensor(logits.shape, logits.dtype);
      getBackend().softmaxCrossEntropyBackward(
        attrs.probs,
        rows,
        classes,
        labels.data,
        grad.data,
        dlogits.data,
      );
      return [dlogits, null];
    }
    const target = oneHot(labels, classes, { dtype: logits.dtype });
    return [softmax(logits, -1).sub(target).mul(perRow(g)), null];
  },
  // d loss = Σ_j softmax_j·t_j − t_y.
  jvp: ([t], [logits, labels]) => {
    const target = oneHot(labels, logits.shape[logits.ndim - 1], { dtype: logits.dtype });
    return softmax(logits, -1).sub(target).mul(t!).sum(-1);
  },
});

/**
 * −log softmax(logits)[label] along the last axis, one value per row: logits [..., classes]
 * and integer labels of shape [...] in [0, classes). Differentiable in the logits.
 * @example sparseSoftmaxCrossEntropy(logits, labels).mean() // logits [batch, T, vocab], labels [batch, T]
 */
export function sparseSoftmaxCrossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const op = 'sparseSoftmaxCrossEntropy';
  const labelShape = logits.shape.slice(0, -1);
  if (
    logits.ndim === 0 ||
    labels.ndim !== labelShape.length ||
    labels.shape.some((d, i) => d !== labelShape[i])
  ) {
    throw new ShapeError(
      `${op}: labels ${formatShape(labels.shape)} must have the shape of logits ${formatShape(logits.shape)} without its last (class) axis`,
    );
  }
  const classes = logits.shape[logits.ndim - 1];
  const d = labels.data;
  for (let i = 0; i < d.length; i++) {
    if (!(d[i] >= 0 && d[i] < classes) || !Number.isInteger(d[i])) {
      throw new ValueError(`${op}: label ${d[i]} at position ${i} is not a class index in [0, ${classes})`);
    }
  }
  const dtype = floatDType(logits.dtype);
  return crossEntropyOp([logits.dtype === dtype ? logits : logits.astype(dtype), labels], { probs: null });
}

// ∂loss/∂z = softmax(z)·Σt − t and ∂loss/∂t = lse − z = −logSoftmax(z), row by row.
const denseCrossEntropyOp: Op<CrossEntropyAttrs> = defineOp<CrossEntropyAttrs>({
  name: 'softmaxCrossEntropy',
  forward: ([logits, targets], attrs) =>
    forwardKeepingSoftmax('softmaxCrossEntropyDense', logits, targets, attrs),
  vjp: (g, [logits, targets], _out, attrs, needs) => {
    let dlogits: Tensor | null = null;
    if (needs[0] && !isGradEnabled() && attrs.probs) {
      const [rows, classes] = rowsOf(logits);
      const grad = g.dtype === logits.dtype ? g : g.astype(logits.dtype);
      dlogits = outputTensor(logits.shape, logits.dtype);
      getBackend().softmaxCrossEntropyDenseBackward(
        attrs.probs,
        rows,
        classes,
        targets.data,
        grad.data,
        dlogits.data,
      );
    } else if (needs[0]) {
      dlogits = softmax(logits, -1).mul(targets.sum(-1, true)).sub(targets).mul(perRow(g));
    }
    const dtargets = needs[1] ? logSoftmax(logits, -1).neg().mul(perRow(g)) : null;
    return [dlogits, dtargets];
  },
  jvp: ([tz, tt], [logits, targets]) =>
    sumTangents([
      tz ? softmax(logits, -1).mul(targets.sum(-1, true)).sub(targets).mul(tz).sum(-1) : null,
      tt ? logSoftmax(logits, -1).neg().mul(tt).sum(-1) : null,
    ]),
});

/**
 * −Σ_j targets_j·log softmax(logits)_j along the last axis, one value per row: logits and
 * targets of the same shape [..., classes], the targets one-hot or any distribution (label
 * smoothing). A zero target adds nothing (also beside a logit of −∞). Differentiable in both.
 * @example softmaxCrossEntropy(logits, oneHot(labels, 10)).mean() // logits [batch, 10]
 */
export function softmaxCrossEntropy(logits: Tensor, targets: Tensor): Tensor {
  const op = 'softmaxCrossEntropy';
  if (
    logits.ndim === 0 ||
    targets.ndim !== logits.ndim ||
    targets.shape.some((d, i) => d !== logits.shape[i])
  ) {
    throw new ShapeError(
      `${op}: targets ${formatShape(targets.shape)} must have the shape of logits ${formatShape(logits.shape)}`,
    );
  }
  const dtype = floatDType(logits.dtype);
  const cast = (t: Tensor) => (t.dtype === dtype ? t : t.astype(dtype));
  return denseCrossEntropyOp([cast(logits), cast(targets)], { probs: null });
}
