/**
 * repr(float) as CPython writes it (float_repr): 20,000 seeded doubles of every magnitude, and
 * the edges (-0.0, the 1e16 and 1e-4 switches to exponent form, subnormals, inf, nan), formatted
 * by floatRepr and by the real python3's repr, which must agree character for character.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { floatRepr } from '../src/python/float-math.js';
import { realInterpreters } from './support/gc-scenarios.js';

/** Seeded doubles: random bit patterns (every exponent), short decimals, and whole numbers. */
function sampleDoubles(count: number): number[] {
  let s = 0x2545f491;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const view = new DataView(new ArrayBuffer(8));
  const out: number[] = [0, -0, 1e16, 1e15, 9999999999999998, 1e-4, 1e-5, 0.0001, 0.00001, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.5, 100, 1e22, 123456789012345678, Infinity, -Infinity, NaN];
  while (out.length < count) {
    const kind = next() % 3;
    if (kind === 0) {
      view.setUint32(0, next());
      view.setUint32(4, next());
      out.push(view.getFloat64(0));
    } else if (kind === 1) out.push((next() % 100000) / 10 ** (next() % 12));
    else out.push((next() % 1000000) * 10 ** (next() % 20));
  }
  return out;
}

describe('repr(float)', () => {
  const interpreters = realInterpreters();
  if (interpreters.length === 0) console.log('repr(float): no real CPython found, the comparison is skipped');
  it.skipIf(interpreters.length === 0)('is what the real interpreter prints', () => {
    const values = sampleDoubles(20_000);
    // Exact values cross as their bit patterns (float.fromhex of a JS-written hex form would round).
    const bits = values.map((v) => {
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, v);
      return view.getBigUint64(0).toString(16);
    });
    const program = 'import struct, sys\nfor line in sys.stdin:\n    print(repr(struct.unpack(">d", bytes.fromhex(line.strip().rjust(16, "0")))[0]))\n';
    const real = spawnSync(interpreters[0].python, ['-c', program], { input: `${bits.join('\n')}\n`, encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(real.status, real.stderr).toBe(0);
    const expected = real.stdout.trimEnd().split('\n');
    expect(expected).toHaveLength(values.length);
    for (let i = 0; i < values.length; i++) expect(floatRepr(values[i]), `bits ${bits[i]}`).toBe(expected[i]);
  });
});
