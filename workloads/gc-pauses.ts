/**
 * A long-lived heap: the twin of `build(side)` in `python/gc_pauses.py`, statement by statement.
 *
 *   def build(side):
 *       global tree
 *       tree = []
 *       for i in range(side):
 *           inner = []
 *           for j in range(side):
 *               inner.append([])
 *           tree.append(inner)
 */
import type { Heap } from '../src/heap/heap.js';
import type { Ref } from '../src/heap/layout.js';
import { loopInt, rangeIterator } from './builtins.js';

/**
 * The global `tree` becomes a list of `side` lists of `side` empty lists. Where 3.12+ checks the
 * eval breaker: at each loop iteration's back edge, and on return from `range(side)` (see
 * `rangeIterator`); `[]` and the specialised `list.append` do not check. MEAS 3.12.1, side 1000:
 * a collection that the outer loop's `inner = []` schedules runs before the first inner `[]`.
 */
export function buildLongLivedTree(heap: Heap, side: number): void {
  const roots = heap.roots;
  const [I, INNER, J] = [0, 1, 2];
  const frame = roots.pushFrame(3);
  const tree = heap.list.newList(0);
  roots.setGlobal('tree', tree);
  heap.decref(tree);
  const outer = rangeIterator(heap);
  for (let i = 0; i < side; i++) {
    roots.setLocalSteal(frame, I, loopInt(heap, i));
    roots.setLocalSteal(frame, INNER, heap.list.newList(0));
    const inner = rangeIterator(heap);
    for (let j = 0; j < side; j++) {
      roots.setLocalSteal(frame, J, loopInt(heap, j));
      const leaf: Ref = heap.list.newList(0);
      heap.list.append(frame.locals[INNER], leaf);
      heap.decref(leaf);
      heap.evalBreaker();
    }
    heap.decref(inner); // exhausted: FOR_ITER drops it
    heap.list.append(tree, frame.locals[INNER]);
    heap.evalBreaker();
  }
  heap.decref(outer);
  roots.popFrame();
}

