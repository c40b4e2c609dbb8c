import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The app is a static site: index.html + a module Web Worker that owns tfjs and the model.
 * The tfjs wasm binaries are imported with `?url` inside the worker, so the app serves them itself.
 */
export const PREVIEW_PORT = 4173;

export default defineConfig({
  plugins: [react()],
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
