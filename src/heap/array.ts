/**
 * `array.array` (`Modules/arraymodule.c`): a 64-byte object (header with size, the item buffer,
 * its allocated length, the type descriptor, the weakref list, the export count), not a GC
 * object, with its items in a separate buffer from `PyMem_Malloc` of exactly len × itemsize bytes
 * when built from a list, tuple or bytes. Items are numbers (ints or floats by type code).
 */
import type { Heap } from './heap.js';
import { FIELD, OB, type Ref } from './layout.js';
import { Kind } from './types.js';

/** `sizeof(arrayobject)` on 64-bit builds, 3.11-3.14. */
export const ARRAY_BYTES = 64;

/** Item sizes by type code (64-bit Linux: 'l' and 'L' are 8 bytes). */
const ITEM_SIZE: Readonly<Record<string, number>> = { b: 1, B: 1, h: 2, H: 2, i: 4, I: 4, l: 8, L: 8, q: 8, Q: 8, f: 4, d: 8 };
const TYPE_CODES = Object.keys(ITEM_SIZE);

export function isArrayTypeCode(code: string): boolean {
  return code in ITEM_SIZE;
}

export class ArrayOps {
  constructor(private readonly heap: Heap) {}

  /** `array(code, values)`: the object, then the buffer of len × itemsize bytes, filled. New reference. */
  newArray(code: string, values: ArrayLike<number>): Ref {
    const heap = this.heap;
    const itemSize = ITEM_SIZE[code];
    const a = heap.allocObject(Kind.Array, ARRAY_BYTES);
    const n = values.length;
    const buf = n === 0 ? 0 : heap.allocator.malloc(n * itemSize);
    const i32 = heap.i32;
    i32[a + OB.SIZE] = n;
    i32[a + FIELD.ARRAY_ITEMS] = buf;
    i32[a + FIELD.ARRAY_ALLOCATED] = n;
    i32[a + FIELD.ARRAY_TYPECODE] = TYPE_CODES.indexOf(code);
    i32[a + FIELD.ARRAY_WEAKLIST] = 0;
    for (let i = 0; i < n; i++) this.set(a, i, values[i]);
    return a;
  }

  length(a: Ref): number {
    return this.heap.i32[a + OB.SIZE];
  }

  typeCode(a: Ref): string {
    return TYPE_CODES[this.heap.i32[a + FIELD.ARRAY_TYPECODE]];
  }

  /** The heap byte where item i (of `size` bytes) of array a is. */
  private itemByte(a: Ref, i: number, size: number): number {
    return this.heap.i32[a + FIELD.ARRAY_ITEMS] * 4 + i * size;
  }

  /** Whether items are floats ('f', 'd'). */
  isFloat(a: Ref): boolean {
    const c = this.typeCode(a);
    return c === 'f' || c === 'd';
  }

  get(a: Ref, i: number): number {
    const heap = this.heap;
    const size = ITEM_SIZE[this.typeCode(a)];
    const byte = this.itemByte(a, i, size);
    switch (size) {
      case 8:
        return heap.f64[byte >> 3];
      case 4:
        return heap.i32[byte >> 2];
      case 2:
        return heap.u16[byte >> 1];
      default:
        return heap.u8[byte];
    }
  }

  /** Stores item i (the value is kept as a double for 8-byte items: exact to 2^53). */
  set(a: Ref, i: number, value: number): void {
    const heap = this.heap;
    const size = ITEM_SIZE[this.typeCode(a)];
    const byte = this.itemByte(a, i, size);
    switch (size) {
      case 8:
        heap.f64[byte >> 3] = value;
        break;
      case 4:
        heap.i32[byte >> 2] = value;
        break;
      case 2:
        heap.u16[byte >> 1] = value;
        break;
      default:
        heap.u8[byte] = value;
    }
  }

  // 4-byte float items ('f') are kept as int32 bit patterns' values: not simulated exactly.

  /** `array_dealloc`'s middle: the item buffer goes. */
  freeItems(a: Ref): void {
    const heap = this.heap;
    const buf = heap.i32[a + FIELD.ARRAY_ITEMS];
    if (buf !== 0) heap.allocator.free(buf, heap.i32[a + FIELD.ARRAY_ALLOCATED] * ITEM_SIZE[this.typeCode(a)]);
    heap.i32[a + FIELD.ARRAY_ITEMS] = 0;
  }
}
