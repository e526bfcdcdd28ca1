/**
 * Stands in for `@luma.gl/gpgpu` (and `@luma.gl/gpgpu/webgpu`) in the client build (vite.config.ts `resolve.alias`).
 * deck.gl 9.4 imports it only to pack attributes into shared buffers on a WebGPU device
 * (`AttributeBufferGroups`, reached when `device.type === 'webgpu'`); GridPulse draws with WebGL, so the ~25 KB
 * gzip of GPU table operations never run. Reaching any of these means deck was given a WebGPU device.
 */
const refuse = (what: string): never => {
  throw new Error(
    `${what}: @luma.gl/gpgpu is left out of the GridPulse client build (WebGL only); see vite.config.ts resolve.alias`,
  );
};

/** deck registers WebGPU operations here on a WebGPU device only. */
export const backendRegistry = {
  add(backend: string): void {
    refuse(`backendRegistry.add(${backend})`);
  },
};

export function cleanEvaluateSync(): never {
  return refuse('cleanEvaluateSync');
}

export function interleave(): never {
  return refuse('interleave');
}

export class GPUDataEvaluator {
  constructor() {
    refuse('GPUDataEvaluator');
  }
}
