import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['{protocol,geo,server,mock-streams,client,test,scripts,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    // Generous: integration tests spawn servers and CLI processes on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration and browser tests start servers and Chromium: keep the 2-core machines responsive.
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default'],
  },
});
