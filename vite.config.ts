import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// The server the dev proxy talks to (npm run dev starts it on this port).
const serverPort = Number(process.env.SERVER_PORT ?? 8080);
const target = `http://127.0.0.1:${serverPort}`;

export default defineConfig({
  root: fileURLToPath(new URL('./client', import.meta.url)),
  base: '/',
  plugins: [vue()],
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
        moduleSideEffects: [
          { test: /\/protocol\/[^/]+\.ts$/, sideEffects: false },
          { test: /.*/, sideEffects: true },
        ],
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
