/**
 * Scratch scopes. While `scratchScope(fn)` runs, the float32 arrays ops allocate come from
 * the backend's scratch arena, which is reused when fn returns: for the wasm backend that is
 * the kernels' own memory, so chains of kernels read and write it in place (no copies, no
 * garbage), and a training step allocates nothing once the arena has grown to its size.
 * A tensor made in a scope is stale once the scope ends: reading its data throws, so a
 * tensor kept by mistake fails loudly instead of changing under its owner.
 */
import { getBackend } from './backend';
import { scratch } from './scratch-state';
import { Tensor } from './tensor';

/**
 * Runs `fn` in a scratch scope (the backend's arena; without one, just runs it). A nested
 * call runs in the enclosing scope. Whatever fn returns must not be or hold a tensor made
 * inside it: copy what you keep with `clone()` before returning.
 */
export function scratchScope<T>(fn: () => T): T {
  if (scratch.arena !== null) return fn();
  const arena = getBackend().scratchArena();
  if (arena === null) return fn();
  scratch.arena = arena;
  try {
    return fn();
  } finally {
    scratch.arena = null;
    scratch.generation++;
    // No deferred product may still write to the arena when it is reused (a backward pass
    // settles its own; this covers one that failed before it could).
    try {
      getBackend().settleDeferred();
    } finally {
      arena.reset();
    }
  }
}

/** Long-lived storage for each parameter's gradient, filled by `keepGradients`. */
const kept = new WeakMap<Tensor, Float32Array>();

/**
 * Inside a scratch scope: moves the gradients of `params` that live in scratch memory to
 * long-lived storage of each parameter (reused step after step), so `p.grad` stays readable
 * after the scope, as after an ordinary `backward()`.
 */
export function keepGradients(params: readonly Tensor[]): void {
  for (const p of params) {
    const store = gradientStore(p);
    if (store === null) continue;
    store.set(p.grad!.data);
    adoptGradient(p, store);
  }
}

/**
 * The long-lived array `keepGradients` moves p's gradient to, or null when that gradient
 * is not in scratch memory (or there is no scope). An optimiser step, which reads the
 * gradient anyway, may copy it there in the same pass and then call `adoptGradient`.
 */
export function gradientStore(p: Tensor): Float32Array | null {
  const arena = scratch.arena;
  const grad = p.grad;
  if (arena === null || grad === null || !arena.owns(grad.data)) return null;
  let store = kept.get(p);
  if (store === undefined || store.length !== grad.size) {
    store = getBackend().stateArray(grad.size);
    kept.set(p, store);
  }
  return store;
}

/** p's gradient becomes `store` (from `gradientStore`), which holds a copy of it. */
export function adoptGradient(p: Tensor, store: Float32Array): void {
  p.grad = new Tensor(store, p.grad!.shape);
}
