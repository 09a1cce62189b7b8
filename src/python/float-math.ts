/**
 * Python's float arithmetic where JavaScript's differs (`Objects/floatobject.c`): floor division
 * and modulo follow `float_divmod`, so `-7.5 // 2.0` and `7.5 % -2.0` are CPython's values.
 */

/** `x % y` for floats, y ≠ 0: the remainder takes the divisor's sign (`float_rem`). */
export function floatMod(x: number, y: number): number {
  let mod = x % y; // C fmod
  if (mod !== 0) {
    if (y < 0 !== mod < 0) mod += y;
  } else mod = y < 0 ? -0 : 0;
  return mod;
}

/** `x // y` for floats, y ≠ 0 (`float_divmod`'s floordiv). */
export function floatFloorDiv(x: number, y: number): number {
  const mod = x % y;
  let div = (x - mod) / y;
  if (mod !== 0 && y < 0 !== mod < 0) div -= 1;
  if (div === 0) return x / y < 0 || Object.is(x / y, -0) ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}
