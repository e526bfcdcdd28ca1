import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export const PREFS_KEY = 'gridpulse.prefs';

/** Display preferences for older users (适老化) and the alert sound; kept per browser. */
export interface UiPrefs {
  largeText: boolean;
  highContrast: boolean;
  muted: boolean;
}

export const DEFAULT_PREFS: UiPrefs = { largeText: false, highContrast: false, muted: false };

const on = (v: string | null) => v !== null && ['1', 'on', 'true', 'yes', 'high'].includes(v.toLowerCase());
const off = (v: string | null) => v !== null && ['0', 'off', 'false', 'no', 'normal'].includes(v.toLowerCase());

/**
 * Stored preferences overlaid with the query string: `?large=1|0`, `?contrast=high|normal`, `?mute=1|0`.
 * A query value wins and is stored, so a wall or tablet set up once by URL keeps it.
 */
export function resolvePrefs(stored: string | null, search: string): UiPrefs {
  let prefs = { ...DEFAULT_PREFS };
  try {
    const s = stored ? (JSON.parse(stored) as Partial<UiPrefs>) : {};
    prefs = {
      largeText: s.largeText === true,
      highContrast: s.highContrast === true,
      muted: s.muted === true,
    };
  } catch {
    // A damaged entry is ignored: defaults.
  }
  const q = new URLSearchParams(search);
  const apply = (key: keyof UiPrefs, param: string) => {
    const v = q.get(param);
    if (on(v)) prefs[key] = true;
    else if (off(v)) prefs[key] = false;
  };
  apply('largeText', 'large');
  apply('highContrast', 'contrast');
  apply('muted', 'mute');
  return prefs;
}

/** Applies the prefs as classes on <html>: every page's CSS reads them (styles/access.css). */
export function applyPrefsToDocument(prefs: UiPrefs, root: HTMLElement = document.documentElement): void {
  root.classList.toggle('gp-large', prefs.largeText);
  root.classList.toggle('gp-contrast', prefs.highContrast);
}

export const useUiPrefsStore = defineStore('ui-prefs', () => {
  const largeText = ref(DEFAULT_PREFS.largeText);
  const highContrast = ref(DEFAULT_PREFS.highContrast);
  const muted = ref(DEFAULT_PREFS.muted);
  let storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;

  const snapshot = (): UiPrefs => ({
    largeText: largeText.value,
    highContrast: highContrast.value,
    muted: muted.value,
  });

  /** Reads stored prefs and the query string once, at app start. */
  function init(search: string, store: Pick<Storage, 'getItem' | 'setItem'> | undefined = safeLocalStorage()) {
    storage = store;
    const p = resolvePrefs(store?.getItem(PREFS_KEY) ?? null, search);
    largeText.value = p.largeText;
    highContrast.value = p.highContrast;
    muted.value = p.muted;
    persist();
  }

  function persist() {
    const p = snapshot();
    try {
      storage?.setItem(PREFS_KEY, JSON.stringify(p));
    } catch {
      // Storage full or blocked (kiosk profiles): the prefs still apply for this visit.
    }
    if (typeof document !== 'undefined') applyPrefsToDocument(p);
  }

  watch([largeText, highContrast, muted], persist);

  const toggleLargeText = () => (largeText.value = !largeText.value);
  const toggleHighContrast = () => (highContrast.value = !highContrast.value);
  const toggleMuted = () => (muted.value = !muted.value);

  return { largeText, highContrast, muted, init, toggleLargeText, toggleHighContrast, toggleMuted };
});

function safeLocalStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
