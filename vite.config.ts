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
    const models = existsSync(dir)
      ? readdirSync(dir)
          .filter((d) => existsSync(join(dir, d, 'config.json')))
          .sort()
      : [];
    const files = Object.fromEntries(
      models.map((m) => [
        m,
        readdirSync(join(dir, m))
          .filter((f) => LOADER_FILE.test(f))
          .sort(),
      ]),
    );
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
 * tfjs-wasm's threaded build starts each pthread worker from the *source text* of its Emscripten factory
 * (`factory.toString()`). The factory reads `_scriptDir` from its enclosing closure, behind a `typeof` guard the
 * minifier drops (it sees the variable declared), so in the pthread worker the text throws "e is not defined".
 * tfjs always passes the script as `mainScriptUrlOrBlob` and we give the .wasm paths, so the two closure reads
 * are not needed: they are removed here, and the factory's text stands on its own.
 */
const THREADED_FACTORY = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const SCRIPT_DIR_READS: [string, string][] = [
  ['if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}', ''],
  ['Module["mainScriptUrlOrBlob"]||_scriptDir', 'Module["mainScriptUrlOrBlob"]'],
];

function tfjsWasmThreads(): Plugin {
  return {
    name: 'rhythmscope-tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!THREADED_FACTORY.test(id)) return null;
      let out = code;
      for (const [from, to] of SCRIPT_DIR_READS) {
        if (!out.includes(from)) this.error(`tfjs-wasm threaded factory changed: "${from}" not found (vite.config.ts)`);
        out = out.replace(from, to);
      }
      return { code: out, map: null };
    },
  };
}

/**
 * The app is a static site: index.html + a module Web Worker that owns tfjs and the model.
 * The tfjs wasm binaries are imported with `?url` inside the worker, so the app serves them itself.
 */
export const PREVIEW_PORT = 4173;

/**
 * Cross-origin isolation (COOP + COEP): SharedArrayBuffer, hence tfjs-wasm's threaded build. require-corp only
 * asks cross-origin *no-cors* loads to opt in; the Hub downloads are CORS fetches and pass. The production build
 * carries the same headers in public/_headers (Netlify, Cloudflare Pages); docs/hub.md has the fallback for hosts
 * that cannot set headers (public/coi-serviceworker.js).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), modelCatalog(), tfjsWasmThreads()],
  // No SPA fallback: a missing model file must be a 404 (the loader probes optional files such as
  // tokenizer.json), not index.html with status 200.
  appType: 'mpa',
  worker: {
    // Module workers: the worker imports tfjs and our core as ES modules.
    format: 'es',
    // Worker bundles take their own plugins (tfjs lives in the workers).
    plugins: () => [tfjsWasmThreads()],
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
  server: { port: 5173, strictPort: false, headers: ISOLATION_HEADERS },
  preview: { port: PREVIEW_PORT, strictPort: true, headers: ISOLATION_HEADERS },
});
