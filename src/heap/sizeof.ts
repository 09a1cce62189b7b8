/**
 * `sys.getsizeof(obj)`: `__sizeof__` plus the type's pre-header (fact sheet §2.1). It leaves out
 * 3.13+ inline values and referenced objects, but `list` and `dict` add their own buffers.
 */
import { FIELD, OB, type Ref } from './layout.js';
import { intDigits } from './heap.js';
import { Kind } from './types.js';
import type { Heap } from './heap.js';

export function getsizeof(heap: Heap, ref: Ref): number {
  const i32 = heap.i32;
  const typeId = i32[ref + OB.TYPE];
  switch (heap.types.kindOf[typeId]) {
    case Kind.Int:
    case Kind.Bool:
      return 24 + 4 * Math.max(1, intDigits(heap.intValue(ref)));
    case Kind.Tuple:
      return 16 + heap.profile.tupleBasicSize + 8 * i32[ref + OB.SIZE];
    case Kind.List:
      return heap.objectBytes(ref) + heap.list.arrayBytes(ref);
    case Kind.Dict:
      // A defaultdict adds its factory pointer.
      return heap.dict.sizeof(ref) + (typeId === Kind.DefaultDict ? 8 : 0);
    case Kind.Set:
      return heap.set.sizeof(ref);
    case Kind.Instance:
    case Kind.SlotsInstance:
      return heap.types.classInfo(typeId).baseBytes;
    case Kind.Deque:
      return heap.deques.sizeof(ref);
    case Kind.Bytes:
      return 33 + i32[ref + FIELD.BYTES_SIZE];
    default:
      return heap.objectBytes(ref);
  }
}
