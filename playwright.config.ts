import { defineConfig } from '@playwright/test';
// @ts-expect-error -- plain .mjs script without type declarations (it must run before `npm ci`).
import { findChromium } from './scripts/find-chromium.mjs';

/**
 * e2e tests run against the production build (`vite build` + `vite preview`), on the system
 * Chromium found by scripts/find-chromium.mjs. Two projects:
 *  - webgpu:    WebGPU enabled (here a SwiftShader fallback adapter); tests ask for ?backend=webgpu.
 *  - no-webgpu: no WebGPU; auto-selection must pick a fallback (webgl or wasm).
 */
// PW_PORT lets several checkouts run their e2e suites side by side.
const PORT = Number(process.env.PW_PORT ?? 4173);
const executablePath: string | undefined = await findChromium();
if (!executablePath) throw new Error('No Chromium found: run `node scripts/find-chromium.mjs --ensure`');

const baseArgs = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Headless Chromium 156 builds its WebUI omnibox popup for every page: ~400 chrome:// module loads in another
  // renderer during the first seconds, on the same cores as the app (measured while profiling start-up).
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e-output/test-results',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1, // 2 shared cores
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    viewport: { width: 1280, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  projects: [
    {
      name: 'webgpu',
      use: { launchOptions: { executablePath, args: [...baseArgs, '--enable-unsafe-webgpu'] } },
      metadata: { webgpu: true },
    },
    {
      name: 'no-webgpu',
      use: { launchOptions: { executablePath, args: baseArgs } },
      metadata: { webgpu: false },
    },
  ],
  webServer: {
    command: `npx vite build --logLevel warn && npx vite preview --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
