import { getCurrentInstance, onMounted } from 'vue';

/** Update cost per panel: count, worst and total main-thread ms. */
export type PanelTimings = Record<string, { n: number; max: number; total: number }>;

declare global {
  interface Window {
    /** Set (to `{}`) by a test or a dev console to collect panel update timings; absent, nothing is measured. */
    __gridpulsePerf?: PanelTimings;
  }
}

/** Adds one measured update of `name` to the sink, when a sink is installed. */
export function recordPanelTiming(name: string, ms: number): void {
  const sink = typeof window === 'undefined' ? undefined : window.__gridpulsePerf;
  if (!sink) return;
  const t = (sink[name] ??= { n: 0, max: 0, total: 0 });
  t.n += 1;
  t.total += ms;
  if (ms > t.max) t.max = ms;
}

/**
 * Measures each re-render and patch of the calling component (what a frame costs it on the main thread),
 * when a sink is installed at mount. It wraps the component's update function: `onBeforeUpdate`/`onUpdated`
 * cannot measure one component, since Vue runs every `updated` hook after the whole flush.
 */
export function usePanelTiming(name: string): void {
  if (typeof window === 'undefined' || !window.__gridpulsePerf) return;
  const instance = getCurrentInstance();
  onMounted(() => {
    const effect = instance?.effect as { fn: () => void } | undefined;
    if (!effect) return;
    const update = effect.fn;
    effect.fn = () => {
      const start = performance.now();
      update();
      recordPanelTiming(name, performance.now() - start);
    };
  });
}
