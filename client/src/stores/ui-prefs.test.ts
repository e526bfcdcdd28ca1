import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { nextTick } from 'vue';
import { PREFS_KEY, applyPrefsToDocument, resolvePrefs, useUiPrefsStore } from './ui-prefs';

describe('ui prefs', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('overlays the query string on what was stored', () => {
    const stored = JSON.stringify({ largeText: true, highContrast: false, muted: true });
    expect(resolvePrefs(stored, '')).toEqual({ largeText: true, highContrast: false, muted: true });
    expect(resolvePrefs(stored, '?contrast=high&large=0&mute=off')).toEqual({
      largeText: false,
      highContrast: true,
      muted: false,
    });
    expect(resolvePrefs('not json', '?large=1')).toEqual({ largeText: true, highContrast: false, muted: false });
    expect(resolvePrefs(null, '?contrast=bogus')).toEqual({ largeText: false, highContrast: false, muted: false });
  });

  it('persists a toggle and puts the classes on the root element', async () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    const prefs = useUiPrefsStore();
    prefs.init('?large=1', storage);
    expect(JSON.parse(m.get(PREFS_KEY)!)).toMatchObject({ largeText: true });
    prefs.toggleHighContrast();
    await nextTick();
    expect(JSON.parse(m.get(PREFS_KEY)!)).toMatchObject({ largeText: true, highContrast: true });
    const root = { classList: new Set<string>() } as unknown as HTMLElement;
    const classes = new Set<string>();
    (root as unknown as { classList: { toggle(c: string, on: boolean): void } }).classList = {
      toggle: (c, on) => void (on ? classes.add(c) : classes.delete(c)),
    };
    applyPrefsToDocument({ largeText: true, highContrast: false, muted: false }, root);
    expect([...classes]).toEqual(['gp-large']);
  });
});
