/**
 * Shader programs compiled while the map loads, not when the first alert takes the wall over.
 *
 * MapLibre and deck.gl compile and link a GPU program the first time a layer draws with it, and the page waits
 * for the link (`getProgramParameter(LINK_STATUS)`). With software WebGL — a wall PC without a GPU, headless
 * Chromium — that is 50–450 ms per program (bench/panels.ts, traced: issue #7). The wall draws some layers only
 * near a grid: points of interest, grid labels, the focused grid's buildings, devices as points instead of
 * clusters. So their programs used to be built when the first critical alert flew the map to its grid: the
 * longest tasks of a whole streaming session, at the moment the wall matters most. The map now visits such a
 * view once, hidden, before it says it is loaded.
 */

/** The part of a MapLibre map the warm-up needs (MapLibre's `Map` satisfies it). */
export interface WarmUpMap {
  once(type: 'idle', listener: () => void): unknown;
  off(type: 'idle', listener: () => void): unknown;
  triggerRepaint(): void;
}

/**
 * Resolves when the map has drawn everything it has to draw (`idle`: tiles loaded, labels placed, no camera
 * move), or after `timeoutMs`, so a map that never settles (a tile that does not load) cannot hold the page.
 */
export function whenMapIdle(map: WarmUpMap, timeoutMs: number): Promise<'idle' | 'timeout'> {
  return new Promise((resolve) => {
    const done = (how: 'idle' | 'timeout') => {
      clearTimeout(timer);
      map.off('idle', onIdle);
      resolve(how);
    };
    const onIdle = () => done('idle');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    map.once('idle', onIdle);
    // `idle` follows a frame: ask for one, in case nothing else does.
    map.triggerRepaint();
  });
}

/** One frame more, so deck.gl (its own animation loop) has initialised the layers it was handed. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Shows each view in turn (a function that moves the camera and sets filters and layers) and waits until the
 * map has drawn it. Stops early, between views, when `cancelled()` turns true (the map was removed).
 * Returns how each view ended.
 */
export async function warmUpViews(
  map: WarmUpMap,
  views: readonly (() => void)[],
  options: { timeoutMs?: number; cancelled?: () => boolean } = {},
): Promise<('idle' | 'timeout')[]> {
  const out: ('idle' | 'timeout')[] = [];
  for (const show of views) {
    if (options.cancelled?.()) break;
    show();
    out.push(await whenMapIdle(map, options.timeoutMs ?? 8_000));
    await nextFrame();
  }
  return out;
}

/** The id of the hidden label layer (and its source) that has MapLibre draw every label glyph while the map loads. */
export const GLYPH_WARMUP_ID = 'gp-glyph-warmup';

/**
 * A source and an invisible symbol layer that label one point with every character of `chars`, in `fonts`
 * (the basemap labels' font stack: MapLibre keeps a drawn glyph per font stack and character, so later labels
 * find theirs drawn). Lines of `perLine` characters keep the label compact.
 *
 * Without a glyph server MapLibre draws each character of a label the first time one shows it, on the main
 * thread; after a fly-to into a part of the district not seen before that was tens of glyphs in one frame
 * (50 ms in software, bench/panels.ts). Drawn here, while the map loads, they cost nothing later.
 */
export function glyphWarmupLayer(chars: string, fonts: readonly string[], at: [number, number], perLine = 24) {
  const glyphs = [...chars];
  const lines: string[] = [];
  for (let i = 0; i < glyphs.length; i += perLine) lines.push(glyphs.slice(i, i + perLine).join(''));
  return {
    source: {
      type: 'geojson' as const,
      data: {
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: at },
        properties: {},
      },
    },
    layer: {
      id: GLYPH_WARMUP_ID,
      type: 'symbol' as const,
      source: GLYPH_WARMUP_ID,
      layout: {
        'text-field': lines.join('\n'),
        'text-font': [...fonts],
        'text-max-width': perLine * 2,
        'text-allow-overlap': true,
        'text-ignore-placement': true,
      },
      paint: { 'text-opacity': 0 },
    },
  };
}
