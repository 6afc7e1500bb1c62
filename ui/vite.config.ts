/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The app loads index.html from the bundle embedded in the Tauri binary, under a strict CSP
// (script-src 'self', style-src 'self', no inline code): relative asset paths, no inline
// module-preload polyfill, and no source maps in the shipped bundle.
export default defineConfig({
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari15',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
    restoreMocks: true,
  },
});
