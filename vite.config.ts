import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The server the dev proxy talks to (npm run dev starts it on this port).
const serverPort = Number(process.env.SERVER_PORT ?? 8080);
const target = `http://127.0.0.1:${serverPort}`;

const shim = (name: string) => fileURLToPath(new URL(`./client/src/features/map/shims/${name}.ts`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  base: '/',
  plugins: [vue()],
  resolve: {
    // deck.gl code paths the client never takes, replaced by small modules that say so if reached (issue #7:
    // ~36 KB gzip of the 900 KB budget). deck.gl imports them itself; GridPulse never does.
    // - @luma.gl/gpgpu: WebGPU attribute packing only (AttributeBufferGroups); the map draws with WebGL.
    // - @loaders.gl/{core,images}: layer data, images and icons given as URLs; GridPulse passes arrays.
    // - @mapbox/tiny-sdf: TextLayer's signed-distance-field atlas (fontSettings.sdf); the cluster counts use bitmaps.
    alias: [
      { find: /^@luma\.gl\/gpgpu(\/webgpu)?$/, replacement: shim('luma-gpgpu') },
      { find: /^@loaders\.gl\/(core|images)$/, replacement: shim('loaders-gl') },
      { find: /^@mapbox\/tiny-sdf$/, replacement: shim('tiny-sdf') },
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
