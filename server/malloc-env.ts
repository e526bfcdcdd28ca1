/**
 * Environment for a server process started by GridPulse's own launchers (`gridpulse cluster`, the load benchmark;
 * scripts/start.mjs repeats it): glibc's malloc with a fixed mmap threshold. By default glibc raises the threshold
 * to the size of each large block it frees (up to 32 MB), after which blocks that size come from the main heap; the
 * 20-30 MB aggregate snapshot taken every minute and the request bodies then leave holes there that are never given
 * back. At 20,000 events/s that held ~55 MB more RSS after 150 s (docs/BENCHMARKS.md "Load"). 128 KiB is glibc's
 * initial threshold; a value already in the environment wins.
 */
export function withMallocEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { MALLOC_MMAP_THRESHOLD_: '131072', ...env };
}
