// Vite build of the portal. The package comes from ../bindings/wasm/npm/pkg (`cargo xtask build wasm` makes it).
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Writes dist/precache.json, the files the service worker caches so the portal works offline, in two groups:
 * `firstView` (the page and what its entry script loads statically: chunks, style, assets such as the catalog
 * module) and `onDemand` (everything else: the full package's chunk and module, the diagnosis worker). A script
 * that a chunk names by URL instead of importing it is a worker's, started on demand.
 */
function precacheList() {
  let outDir;
  const firstView = new Set(['./', 'index.html']);
  return {
    name: 'precache-list',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    generateBundle(options, bundle) {
      const visit = (fileName) => {
        const chunk = bundle[fileName];
        if (firstView.has(fileName) || chunk === undefined) return;
        firstView.add(fileName);
        if (chunk.type !== 'chunk') return;
        for (const imported of chunk.imports) visit(imported);
        for (const asset of [...(chunk.viteMetadata?.importedAssets ?? []), ...(chunk.viteMetadata?.importedCss ?? [])]) {
          if (!asset.endsWith('.js')) firstView.add(asset);
        }
      };
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && chunk.isEntry) visit(chunk.fileName);
      }
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
      files.sort();
      const groups = {
        firstView: ['./', ...files.filter((file) => firstView.has(file))],
        onDemand: files.filter((file) => !firstView.has(file)),
      };
      writeFileSync(join(outDir, 'precache.json'), JSON.stringify(groups, null, 1));
    },
  };
}

export default defineConfig({
  base: './',
  // The wasm glue finds its .wasm through import.meta.url; pre-bundling in dev would move it away from the file.
  optimizeDeps: { exclude: ['iothub-errors', 'iothub-errors/catalog'] },
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true },
  plugins: [precacheList()],
});
