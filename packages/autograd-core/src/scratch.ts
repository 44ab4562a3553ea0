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
    arena.reset();
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
  const arena = scratch.arena;
  if (arena === null) return;
  for (const p of params) {
    const grad = p.grad;
    if (grad === null || !arena.owns(grad.data)) continue;
    let store = kept.get(p);
    if (store === undefined || store.length !== grad.size) {
      store = getBackend().stateArray(grad.size);
      kept.set(p, store);
    }
    store.set(grad.data);
    p.grad = new Tensor(store, grad.shape);
  }
}
