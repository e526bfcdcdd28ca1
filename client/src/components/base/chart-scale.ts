import type { InjectionKey, Ref } from 'vue';

/**
 * The CSS scale of the design canvas a chart sits in (a wall scales 1920×1080 to its real size with a
 * transform, which layout sizes do not see). Charts render at devicePixelRatio × this, so text stays sharp
 * on a 4K wall. Provided by the view; charts outside a scaled canvas get 1.
 */
export const CHART_RENDER_SCALE: InjectionKey<Readonly<Ref<number>>> = Symbol('chart-render-scale');

/** Canvas pixel ratio for a chart: device pixels per CSS pixel times the canvas scale, at least 1. */
export function chartPixelRatio(devicePixelRatio: number, canvasScale: number): number {
  return Math.max(1, Math.round(devicePixelRatio * canvasScale * 100) / 100);
}
