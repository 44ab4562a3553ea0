/**
 * Constants for the elementwise kernels' loops, read from the module's data. A vector
 * constant written in the code is rebuilt from immediates at every use (V8 on x64: a move
 * of 64 bits to a general register, a move to a vector register and an unpack, two of the
 * three on the shuffle port), so a loop with many of them (the polynomials of exp and
 * GELU) was bound by those rebuilds; a broadcast load from memory is one instruction.
 */

/** The f32 at index `i` of `table` (a memory.data address) in all four lanes. */
export function splatAt(table: usize, i: i32): v128 {
  return v128.load32_splat(table + ((<usize>i) << 2));
}
