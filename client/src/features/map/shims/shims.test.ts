// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { load, registerLoaders } from './loaders-gl';
import { backendRegistry, GPUDataEvaluator, interleave } from './luma-gpgpu';
import { scanWGSLInterface } from './luma-wgsl';
import { EventManager, Pan } from './mjolnir';
import TinySDF from './tiny-sdf';

describe('client build shims (vite.config.ts resolve.alias)', () => {
  it('say what was left out, and why, when deck ever reaches them', async () => {
    expect(() => registerLoaders()).not.toThrow();
    await expect(load('/data.json')).rejects.toThrow(/cannot load \/data\.json: loaders\.gl is left out.*data arrays/);
    expect(() => backendRegistry.add('webgpu')).toThrow(/backendRegistry\.add\(webgpu\).*WebGL only/);
    expect(() => new GPUDataEvaluator()).toThrow(/GPUDataEvaluator.*@luma\.gl\/gpgpu is left out/);
    expect(() => interleave()).toThrow(/interleave/);
    expect(() => scanWGSLInterface()).toThrow(/WGSL shader assembly is left out/);
    expect(() => new TinySDF()).toThrow(/fontSettings\.sdf is not supported/);
  });

  it("EventManager keeps deck's handlers and listens to nothing", () => {
    const el = document.createElement('div');
    const m = new EventManager(el, { recognizers: [new Pan({ threshold: 1 })] });
    const h = () => undefined;
    m.on('click', h);
    m.watch({ dblclick: h, pointermove: h });
    m.off('click', h);
    expect(m.getElement()).toBe(el);
    m.destroy();
    expect(m.getElement()).toBeNull();
  });
});
