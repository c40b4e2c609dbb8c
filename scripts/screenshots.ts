/**
 * Screenshots of the real app for the README: docs/workbench.png (a fresh visit: the shipped analysed example)
 * and docs/train.png (the Train tab). Builds the app, serves it with `vite preview`, drives Chromium at 1280×860.
 *   npm run screenshots            (set CHROMIUM=/path to choose the browser; default /usr/bin/chromium)
 */
import { spawn, spawnSync } from 'node:child_process';
import { chromium } from '@playwright/test';

const PORT = Number(process.env.PW_PORT ?? 4199);
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], {
  stdio: 'ignore',
  detached: true,
});
try {
  const base = `http://127.0.0.1:${PORT}/`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(base)
        .then((r) => r.ok)
        .catch(() => false)
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(base);
  await page.getByTestId('story-card').waitFor();
  await page.locator('[data-testid="attention-heatmap"] canvas').waitFor();
  await page.getByTestId('generate-button').waitFor({ state: 'visible' });
  await page.waitForTimeout(800); // the staged views' last paint
  await page.screenshot({ path: 'docs/workbench.png' });
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-panel').waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/train.png' });
  await browser.close();
  console.log('wrote docs/workbench.png and docs/train.png');
} finally {
  if (server.pid) process.kill(-server.pid);
}
