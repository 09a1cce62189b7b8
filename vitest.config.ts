/**
 * Tests run against the compiled dist/ (npm test builds first): tsc inlines the heap's const enums
 * (memory layout offsets) and Node imports dist natively, while Vite's transform of the sources
 * would turn every layout constant in the hot loops into a getter call (about 5x slower).
 * The test files and test/support are still TypeScript, transformed as usual.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const dist = fileURLToPath(new URL('./dist/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^(?:\.\.\/)+(src|workloads|workers)\/(.*)\.js$/, replacement: `${dist}$1/$2.js` }],
  },
  test: {
    globalSetup: ['./test/support/dist-fresh.ts'],
    setupFiles: ['./test/support/built-ins.ts'],
    server: { deps: { external: [/\/dist\//] } },
  },
});
