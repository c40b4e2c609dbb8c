import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * `models/catalog.json`: the model folders under public/models/ that have a config.json, listed at build time
 * (and live on the dev server). The app reads it to offer the best built-in model without probing folders
 * that may not exist (a 404 probe is a console error in the page).
 */
/** Files the model loader may read (config, tokenizer, weights); READMEs and training notes are left out. */
const LOADER_FILE = /^(config|tokenizer|tokenizer_config|char_vocab)\.json$|\.safetensors$|\.safetensors\.index\.json$/;

function modelCatalog(): Plugin {
  // `files`: each model's loader files, so the page fetches them all at once while the engine starts (and never
  // asks for an optional file the folder lacks).
  const list = () => {
    const dir = join('public', 'models');
    const models = existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(join(dir, d, 'config.json'))).sort() : [];
    const files = Object.fromEntries(models.map((m) => [m, readdirSync(join(dir, m)).filter((f) => LOADER_FILE.test(f)).sort()]));
    return JSON.stringify({ models, files });
  };
  // Weights as binary: with no type the server's compression takes them for text and gzips them on every request
  // (~120 ms of CPU for rhythm-mini's 1.45 MB, to save 7%), on the 2 cores the page and the worker need at start-up.
  const binaryWeights = (req: { url?: string }, res: { setHeader(k: string, v: string): void }, next: () => void) => {
    if (/\.safetensors$/.test((req.url ?? '').split('?')[0])) res.setHeader('Content-Type', 'application/octet-stream');
    next();
  };
  return {
    name: 'rhythmscope-model-catalog',
    configureServer(server) {
      server.middlewares.use('/models/catalog.json', (_req, res) => {
        res.setHeader('Content-Type', 'application/json');
        res.end(list());
      });
      server.middlewares.use(binaryWeights);
    },
    configurePreviewServer(server) {
      server.middlewares.use(binaryWeights);
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'models/catalog.json', source: list() });
    },
  };
}

/**
 * The app is a static site: index.html + a module Web Worker that owns tfjs and the model.
 * The tfjs wasm binaries are imported with `?url` inside the worker, so the app serves them itself.
 */
export const PREVIEW_PORT = 4173;

export default defineConfig({
  plugins: [react(), modelCatalog()],
  // No SPA fallback: a missing model file must be a 404 (the loader probes optional files such as
  // tokenizer.json), not index.html with status 200.
  appType: 'mpa',
  worker: {
    // Module workers: the worker imports tfjs and our core as ES modules.
    format: 'es',
  },
  // The backends are imported lazily (only the ones tried); pre-bundle them up front so the dev
  // server doesn't discover them mid-session and reload the page.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-webgpu',
      '@huggingface/tokenizers',
    ],
  },
  build: {
    target: 'es2022',
    // tfjs bundles are large; the worker chunk is expected to exceed the default warning size.
    chunkSizeWarningLimit: 4096,
  },
  server: { port: 5173, strictPort: false },
  preview: { port: PREVIEW_PORT, strictPort: true },
});
