// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { GLYPH_WARMUP_ID, glyphWarmupLayer, warmUpViews, whenMapIdle, type WarmUpMap } from './map-warmup';

/** A map that goes idle `settleMs` after each repaint request, or never (`settleMs` undefined). */
function fakeMap(settleMs: number | undefined) {
  const listeners = new Set<() => void>();
  const log: string[] = [];
  const map: WarmUpMap & { listeners: Set<() => void> } = {
    listeners,
    once(_type, fn) {
      listeners.add(fn);
    },
    off(_type, fn) {
      listeners.delete(fn);
    },
    triggerRepaint() {
      log.push('repaint');
      if (settleMs === undefined) return;
      setTimeout(() => {
        const now = [...listeners];
        listeners.clear();
        for (const fn of now) fn();
      }, settleMs);
    },
  };
  return { map, log };
}

describe('whenMapIdle', () => {
  it('resolves on the idle event and asks for a frame so one comes', async () => {
    const { map, log } = fakeMap(5);
    expect(await whenMapIdle(map, 1_000)).toBe('idle');
    expect(log).toEqual(['repaint']);
    expect(map.listeners.size).toBe(0);
  });

  it('gives up after the timeout and leaves no listener behind', async () => {
    const { map } = fakeMap(undefined);
    const t0 = performance.now();
    expect(await whenMapIdle(map, 30)).toBe('timeout');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(map.listeners.size).toBe(0);
  });
});

describe('warmUpViews', () => {
  it('shows each view in order and waits for the map to draw it before the next', async () => {
    const { map, log } = fakeMap(5);
    const views = ['grid', 'back'].map((name) => () => void log.push(`show ${name}`));
    expect(await warmUpViews(map, views)).toEqual(['idle', 'idle']);
    expect(log).toEqual(['show grid', 'repaint', 'show back', 'repaint']);
  });

  it('stops between views once cancelled (the map was removed)', async () => {
    const { map, log } = fakeMap(5);
    let removed = false;
    const views = [() => void (log.push('show grid'), (removed = true)), () => void log.push('show back')];
    expect(await warmUpViews(map, views, { cancelled: () => removed })).toEqual(['idle']);
    expect(log).toEqual(['show grid', 'repaint']);
  });

  it('moves on when a view never settles', async () => {
    const { map } = fakeMap(undefined);
    expect(await warmUpViews(map, [() => undefined, () => undefined], { timeoutMs: 20 })).toEqual([
      'timeout',
      'timeout',
    ]);
  });
});

describe('glyphWarmupLayer', () => {
  it('labels one point, invisibly, with every character in the labels\' fonts, a line per few characters', () => {
    const { source, layer } = glyphWarmupLayer('翠苑一区3号楼ab', ['Noto Sans CJK SC', 'sans-serif'], [120.1, 30.3], 4);
    expect(source.data.geometry.coordinates).toEqual([120.1, 30.3]);
    expect(layer).toMatchObject({ id: GLYPH_WARMUP_ID, source: GLYPH_WARMUP_ID, type: 'symbol', paint: { 'text-opacity': 0 } });
    expect(layer.layout['text-field']).toBe('翠苑一区\n3号楼a\nb');
    expect(layer.layout['text-font']).toEqual(['Noto Sans CJK SC', 'sans-serif']);
  });
});
