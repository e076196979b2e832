// Vite build of the portal. The package comes from ../bindings/wasm/npm/pkg (`cargo xtask build wasm` makes it).
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'vite';

/** Writes dist/precache.json, the files the service worker caches on install so the portal works offline. */
function precacheList() {
  let outDir;
  return {
    name: 'precache-list',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const files = [];
      const walk = (dir) => {
        for (const name of readdirSync(dir)) {
          const path = join(dir, name);
          if (statSync(path).isDirectory()) walk(path);
          else if (name !== 'sw.js' && name !== 'precache.json') files.push(relative(outDir, path).split('\\').join('/'));
        }
      };
      walk(outDir);
      writeFileSync(join(outDir, 'precache.json'), JSON.stringify(['./', ...files.sort()], null, 1));
    },
  };
}

export default defineConfig({
  base: './',
  // The wasm glue finds its .wasm through import.meta.url; pre-bundling in dev would move it away from the file.
  optimizeDeps: { exclude: ['iothub-errors'] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  plugins: [precacheList()],
});
