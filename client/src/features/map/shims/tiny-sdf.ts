/**
 * Stands in for `@mapbox/tiny-sdf` in the client build (vite.config.ts `resolve.alias`). deck.gl's TextLayer
 * builds a signed-distance-field font atlas with it only when `fontSettings.sdf` is true; the map's one
 * TextLayer (the cluster counts, layers/device-cluster-layer.ts) keeps deck's default bitmap atlas.
 */
export default class TinySDF {
  constructor() {
    throw new Error(
      'TinySDF is left out of the GridPulse client build: TextLayer fontSettings.sdf is not supported (vite.config.ts)',
    );
  }
}
