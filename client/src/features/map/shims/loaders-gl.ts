/**
 * Stands in for `@loaders.gl/core` and `@loaders.gl/images` in the client build (vite.config.ts `resolve.alias`).
 * deck.gl uses loaders.gl to fetch layer data, images and icons given as URLs; every GridPulse layer gets its
 * data as arrays and draws no icon images (the TextLayer builds its font atlas on a canvas), so none of it runs.
 * deck registers its default loaders at start-up (a no-op here); a URL handed to a layer fails with this error.
 */
export function registerLoaders(): void {}

export function load(url: unknown): Promise<never> {
  return Promise.reject(
    new Error(
      `cannot load ${String(url)}: loaders.gl is left out of the GridPulse client build; give deck.gl layers data arrays, not URLs`,
    ),
  );
}

/** Only registered by deck (see registerLoaders); never used to load. */
export const ImageLoader = { id: 'image', name: 'Images (not in this build)', extensions: [], mimeTypes: [] };
