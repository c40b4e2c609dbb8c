/** Shared by the Playwright benchmarks: build the app if needed, serve it with `vite preview`, small stats. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';

export { median } from './stats';
export const fmt = (v: number): string => v.toFixed(1);
export const loadAverage = (): string =>
  loadavg()
    .map((v) => v.toFixed(1))
    .join(', ');

/**
 * Chromium 156 in (new) headless mode still builds each window's WebUI omnibox popup: ~400 chrome:// module
 * loads in a separate renderer during the first 2 s of every new page, on the same 2 cores the page and its
 * worker use. It is browser chrome, not the app, so the benchmarks turn it off.
 */
export const QUIET_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

/** The build folder: dist/, or --out=DIR (a private build, safe from other builds running at the same time). */
export const outDirOf = (args: string[]): string => args.find((a) => a.startsWith('--out='))?.slice(6) ?? 'dist';

/** `vite build` when asked (--build) or when the build folder is missing. */
export function ensureBuild(args: string[]): void {
  const out = outDirOf(args);
  if (args.includes('--build') || !existsSync(`${out}/index.html`)) {
    const b = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir'], {
      stdio: 'inherit',
    });
    if (b.status !== 0) throw new Error('vite build failed');
  }
}

/** Serves the build folder on 127.0.0.1:port and resolves once it answers; kill() the result to stop it. */
export async function startPreview(port: number, outDir = 'dist'): Promise<ChildProcess> {
  const base = `http://127.0.0.1:${port}`;
  // vite's own entry under this node (not npx): kill() then stops the server itself, not a wrapper.
  const server = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'preview',
      '--outDir',
      outDir,
      '--port',
      String(port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) break;
    try {
      if ((await fetch(base)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  server.kill();
  throw new Error(`vite preview did not start on ${base}`);
}
