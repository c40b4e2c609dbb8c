/**
 * Node-only: registers tfjs-core's gradients when running under plain Node/tsx (CLI, scripts).
 *
 * Why: in Node, '@tensorflow/tfjs-core' resolves to its CommonJS bundle, which registers no gradients,
 * and 'dist/register_all_gradients.js' is an ES module tree with extensionless imports that Node's ESM
 * resolver rejects. A tiny resolve hook adds the missing ".js" / "/index.js" for files inside
 * tfjs-core's dist folder only. The gradient registry and the engine live on the global object, so the
 * gradients registered by that copy serve the CommonJS copy's ops too. Under Vite/vitest (and in the
 * browser) use './gradients.ts' instead: Vite resolves those imports itself.
 */
import { register } from 'node:module';

const HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    const fromTfjs = context.parentURL && context.parentURL.includes('/@tensorflow/tfjs-core/dist/');
    if (!fromTfjs || !specifier.startsWith('.')) throw e;
    for (const suffix of ['.js', '/index.js']) {
      try { return await next(specifier + suffix, context); } catch {}
    }
    throw e;
  }
}`;

let done: Promise<void> | undefined;

export function registerGradientsNode(): Promise<void> {
  done ??= (async () => {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
  })();
  return done;
}
