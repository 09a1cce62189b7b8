/**
 * A collector plan decides what one collection covers and where survivors go, using the shared
 * phases; the gc module (collector.ts) owns triggering, callbacks, statistics and timing.
 */
import type { Ref } from '../layout.js';
import type { CollectionCounts } from './phases.js';

export interface CollectorPlan {
  /** The generation an automatic collection collects now, or -1 for none. */
  selectGeneration(): number;
  /** Collects `generation` as `gc.collect(generation)` or an automatic collection would. */
  collect(generation: number, counts: CollectionCounts): void;
  /** `gc.freeze()`: every tracked object moves to the permanent generation; counts are zeroed. */
  freeze(): void;
  /** `gc.unfreeze()`: the permanent generation goes back into the oldest one. */
  unfreeze(): void;
  /** GC lists in `gc.get_objects(i)` order for i = 0, 1, 2. */
  generationLists(): readonly (readonly Ref[])[];
}
