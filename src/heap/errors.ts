/** Errors the simulated heap raises on purpose. Each message is one line a user can act on. */
import { MAX_HEAP_BYTES } from './layout.js';

/** The simulated process asked for more memory than the heap's SharedArrayBuffer holds. */
export class HeapExhausted extends Error {
  override readonly name = 'HeapExhausted';
  constructor(
    readonly heapBytes: number,
    readonly requestedBytes: number,
  ) {
    super(
      `simulated heap exhausted: a request for ${requestedBytes} bytes does not fit in the ${formatMiB(heapBytes)} heap; ` +
        `raise it with --heap-mib, at most ${MAX_HEAP_BYTES / (1024 * 1024)} (HeapOptions.heapBytes)`,
    );
  }
}

/** The heap's own consistency check failed: a simulated leak or a corrupted structure. */
export class HeapInvariantError extends Error {
  override readonly name = 'HeapInvariantError';
}

export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
}
