import { defineConfig } from 'vite';

// The console is served by the signer at /ui (no CDN, no inline script or style: the signer's CSP forbids both).
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    // no inline assets (data: URLs) and no module-preload polyfill: everything is a file under /ui/assets
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: false,
  },
});
