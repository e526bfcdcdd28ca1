/** What the wall's address says about how it runs (kiosk screens are set up once, by URL). */
export interface WallOptions {
  /** `?kiosk=1`: no cursor, no on-screen controls. */
  kiosk: boolean;
  /** `?interactive=1`: pan, zoom and tooltips on the map. */
  interactive: boolean;
  /** `?rotate=off` stops the community rotation; `?rotate=30` sets its interval in seconds (5–600). Null: off. */
  rotateMs: number | null;
  /** `?sound=on`: a critical alert sounds until acknowledged (off by default: walls often share a room). */
  sound: boolean;
  theme: 'dark' | 'light';
  /** `?canvas=5760x2160`: the wall's real shape for multi-screen walls; the layout widens to it. */
  canvas: { width: number; height: number };
  /** `?fit=fill`: take the viewport's own shape instead of letterboxing the canvas's. */
  fit: 'contain' | 'fill';
}

export const DEFAULT_ROTATE_MS = 20_000;
/** The layout's height in design pixels; a wider wall gets a wider design canvas, never a smaller font. */
export const DESIGN_HEIGHT = 1080;
export const MIN_DESIGN_WIDTH = 1920;

const truthy = (v: string | null) => v !== null && ['1', 'on', 'true', 'yes'].includes(v.toLowerCase());

export function parseWallOptions(search: string): WallOptions {
  const q = new URLSearchParams(search);
  const rotate = q.get('rotate');
  let rotateMs: number | null = DEFAULT_ROTATE_MS;
  if (rotate !== null) {
    const s = Number(rotate);
    if (['off', '0', 'false', 'no'].includes(rotate.toLowerCase())) rotateMs = null;
    else if (Number.isFinite(s) && s >= 5 && s <= 600) rotateMs = Math.round(s * 1000);
  }
  const m = /^(\d{3,5})x(\d{3,5})$/i.exec(q.get('canvas') ?? '');
  const canvas = m ? { width: Number(m[1]), height: Number(m[2]) } : { width: 1920, height: 1080 };
  return {
    kiosk: truthy(q.get('kiosk')),
    interactive: truthy(q.get('interactive')),
    rotateMs,
    sound: truthy(q.get('sound')),
    theme: q.get('theme') === 'light' ? 'light' : 'dark',
    canvas,
    fit: q.get('fit') === 'fill' ? 'fill' : 'contain',
  };
}

/**
 * The design canvas for a wall shape, never smaller than 1920×1080 so text keeps its size: a wider shape widens
 * it (5760×2160 lays out on 2880×1080, the map takes the extra width), a squarer one heightens it (4:3 → 1920×1440).
 */
export function designSize(shape: { width: number; height: number }): { width: number; height: number } {
  const aspect = shape.width / shape.height;
  if (aspect >= MIN_DESIGN_WIDTH / DESIGN_HEIGHT)
    return { width: Math.round(DESIGN_HEIGHT * aspect), height: DESIGN_HEIGHT };
  return { width: MIN_DESIGN_WIDTH, height: Math.round(MIN_DESIGN_WIDTH / aspect) };
}

/**
 * The rotation order: the whole area, then each community (by code), round and round. `current` is an index
 * into it; the next one wraps.
 */
export function nextRotation(order: readonly string[], current: number): number {
  return order.length === 0 ? -1 : (current + 1) % order.length;
}
