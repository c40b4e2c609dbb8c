/**
 * Node-only: registers tfjs-core's gradients when running under plain Node/tsx (CLI, scripts, experiment workers).
 *
 * Why: in Node, '@tensorflow/tfjs-core' resolves to its CommonJS bundle, which registers no gradients, and
 * 'dist/register_all_gradients.js' is an ES module tree (~1000 files) with extensionless imports that Node's ESM
 * resolver rejects. Loading that tree file by file costs ~1 s of every process start, so it is bundled once with
 * esbuild into one file in a cache folder (≈ 0.3 s, then ≈ 20 ms per start). The gradient registry and the engine
 * live on the global object, so the gradients registered by that copy serve the CommonJS copy's ops too. If the
 * bundle cannot be built or stored, a resolve hook that adds the missing ".js" / "/index.js" loads the tree as is.
 * Under Vite/vitest (and in the browser) use './gradients.ts' instead: Vite resolves those imports itself.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

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

const ENTRY = '@tensorflow/tfjs-core/dist/register_all_gradients.js';

/** A package's version from its package.json, or null when it is not installed. */
function versionOf(require: NodeRequire, pkg: string): string | null {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * The bundle's path, named by both versions so an upgrade never reuses a stale one; null when it cannot be had.
 * esbuild is imported only to build, so a start with the bundle cached reads nothing else.
 */
async function bundlePath(): Promise<string | null> {
  const require = createRequire(import.meta.url);
  const entry = require.resolve(ENTRY);
  const [tfjs, esbuildVersion] = [versionOf(require, '@tensorflow/tfjs-core'), versionOf(require, 'esbuild')];
  if (!tfjs || !esbuildVersion) return null;
  const name = `tfjs-core-${tfjs}-gradients-esbuild-${esbuildVersion}.mjs`;
  const nodeModules = join(dirname(entry), '..', '..', '..');
  const dirs = [join(nodeModules, '.cache', 'rhythmscope'), join(tmpdir(), 'rhythmscope-cache')];
  const cached = dirs.map((d) => join(d, name)).find((f) => existsSync(f));
  if (cached) return cached;
  let code: Uint8Array;
  try {
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
    });
    code = out.outputFiles[0].contents;
  } catch {
    return null; // esbuild failed: the file-by-file load
  }
  for (const dir of dirs) {
    try {
      mkdirSync(dir, { recursive: true });
      // Written whole under a unique name, then renamed: a process starting beside this one never reads half a file.
      const file = join(dir, name);
      const part = `${file}.${process.pid}.part`;
      writeFileSync(part, code);
      renameSync(part, file);
      return file;
    } catch {
      // Read-only folder: try the next one, then the file-by-file load.
    }
  }
  return null;
}

let done: Promise<'bundle' | 'files'> | undefined;

/**
 * Registers every gradient once per process and says which way it loaded them; `files` skips the bundle (tests
 * compare the two ways).
 */
export function registerGradientsNode(how: 'bundle' | 'files' = 'bundle'): Promise<'bundle' | 'files'> {
  done ??= (async () => {
    const bundle = how === 'bundle' ? await bundlePath() : null;
    if (bundle) {
      await import(pathToFileURL(bundle).href);
      return 'bundle';
    }
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    await import(ENTRY as string);
    return 'files';
  })();
  return done;
}
