/**
 * Python's float arithmetic and text where JavaScript's differ (`Objects/floatobject.c`,
 * `Python/pystrtod.c`): floor division and modulo follow `float_divmod`, so `-7.5 // 2.0` and
 * `7.5 % -2.0` are CPython's values, and `repr` is `float_repr`'s.
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

/**
 * `repr(x)` / `str(x)` of a float (float_repr: PyOS_double_to_string with 'r' and
 * Py_DTSF_ADD_DOT_0): the shortest digits that round-trip, which JavaScript's toExponential()
 * also gives, laid out as CPython lays them out: positional when the decimal point falls within
 * 16 digits of the first (1e+16 and 1e-05 in exponent form, 1000000000000000.0 not), a '.0' on a
 * whole number, the exponent signed with at least two digits, a sign on -0.0.
 */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa, exponent] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  // The value is 0.<digits> x 10^decpt.
  const decpt = Number(exponent) + 1;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = decpt - 1;
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
  return `${sign}${digits[0]}${fraction}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
