/**
 * The mission workloads' large size in the front-end benchmarks (the issue's n = 10^6), and the
 * heap it runs in. Not 2048 MiB: a heap of 2 GiB or more fails to set up (HeapMemory's
 * `sabBytes >> 2` overflows past 2^31 bytes).
 */
export const MISSION_N = 1_000_000;
export const MISSION_HEAP_MIB = 1536;
