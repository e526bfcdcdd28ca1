import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

// The server the dev proxy talks to (npm run dev starts it on this port).
const serverPort = Number(process.env.SERVER_PORT ?? 8080);
const target = `http://127.0.0.1:${serverPort}`;

const shim = (name: string) => fileURLToPath(new URL(`./client/src/features/map/shims/${name}.ts`, import.meta.url));

/**
 * luma.gl's WGSL (WebGPU shader) scanners, imported by its shader assembler next to the GLSL path the WebGL map
 * uses: resolved to a module that refuses if ever called (~3.7 KB gzip). Relative imports inside
 * @luma.gl/shadertools, so an alias cannot name them.
 */
function webglOnly(): Plugin {
  const wgsl = /\/wgsl-(interface-scan|binding-scan|binding-debug)\.js$/;
  return {
    name: 'gridpulse:webgl-only',
    enforce: 'pre',
    resolveId(source, importer) {
      if (importer?.includes('/@luma.gl/shadertools/') && wgsl.test(source)) return shim('luma-wgsl');
      return undefined;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  base: '/',
  plugins: [vue(), webglOnly()],
  resolve: {
    // deck.gl code paths the client never takes, replaced by small modules that say so if reached (issue #7:
    // ~36 KB gzip of the 900 KB budget). deck.gl imports them itself; GridPulse never does.
    // - @luma.gl/gpgpu: WebGPU attribute packing only (AttributeBufferGroups); the map draws with WebGL.
    // - @loaders.gl/{core,images}: layer data, images and icons given as URLs; GridPulse passes arrays.
    // - @mapbox/tiny-sdf: TextLayer's signed-distance-field atlas (fontSettings.sdf); the cluster counts use bitmaps.
    // - mjolnir.js: deck's own DOM gestures; the overlay's canvas gets no pointer events (MapboxOverlay forwards them).
    alias: [
      { find: /^@luma\.gl\/gpgpu(\/webgpu)?$/, replacement: shim('luma-gpgpu') },
      { find: /^@loaders\.gl\/(core|images)$/, replacement: shim('loaders-gl') },
      { find: /^@mapbox\/tiny-sdf$/, replacement: shim('tiny-sdf') },
      { find: /^mjolnir\.js$/, replacement: shim('mjolnir') },
    ],
  },
  define: {
    // Build flags of Vue and vue-i18n (their documented esm-bundler flags): every component is <script setup>
    // (no Options API), vue-i18n runs in composition mode without its <i18n-t> components or v-t directive.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      treeshake: {
        // The client imports types and value lists from protocol/, never its zod schemas (the server validates).
        // Schema constants are built by zod calls the bundler cannot prove pure, so without both settings every
        // schema, and zod with it (~28 KB gzip), would ship to every page (measured: bench/bundle-size.ts).
        manualPureFunctions: ['z'],
        // Anything else: undefined, so each package's own `sideEffects` field still counts (a catch-all `true` rule
        // here would override it, e.g. deck.gl's and luma.gl's `sideEffects: false`).
        moduleSideEffects: (id: string) => (/\/protocol\/[^/]+\.ts$/.test(id) ? false : undefined),
      },
    },
  },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    strictPort: true,
    proxy: {
      '/api': target,
      '/healthz': target,
      '/metrics': target,
      '/socket.io': { target, ws: true },
    },
  },
});
