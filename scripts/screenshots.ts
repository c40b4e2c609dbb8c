/**
 * Screenshots of the real app for the README: docs/workbench.png (a fresh visit: the shipped analysed example)
 * at 1280×860, and docs/train.png (the Train tab after a small real training run in the page: its status, curves
 * and comparison table, 1280 px wide). Builds the app, serves it with `vite preview`, drives Chromium.
 *   npm run screenshots            (set CHROMIUM=/path to choose the browser; default /usr/bin/chromium)
 */
import { spawn, spawnSync } from 'node:child_process';
import { chromium, type Page } from '@playwright/test';

/**
 * A real, small comparison in the page (uniform vs coupled on addition level 4, where the built-in model is right
 * about half the time, so reward and held-out accuracy are neither 0 nor 1; 8 steps, held-out score every 2, two
 * seeds so the comparison table has intervals and the paired difference): a minute or two on a laptop CPU.
 */
async function trainTiny(page: Page): Promise<void> {
  const fill: [string, string][] = [
    ['train-steps', '8'],
    ['train-prompts', '4'],
    ['train-group', '4'],
    ['train-max-tokens', '96'],
    ['train-eval-problems', '16'],
    ['train-eval-every', '2'],
    ['train-seeds', '0,1'],
  ];
  for (const [id, v] of fill) await page.getByTestId(id).fill(v);
  await page.getByTestId('train-task').selectOption('addition');
  await page.getByTestId('train-level').selectOption('4');
  for (const s of ['uniform', 'coupled']) await page.getByTestId(`train-strategy-${s}`).check();
  await page.getByTestId('train-start').click();
  await page.locator('[data-testid="train-status"][data-status="done"]').waitFor({ timeout: 600_000 });
}

const PORT = Number(process.env.PW_PORT ?? 4199);
const build = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const base = `http://127.0.0.1:${PORT}/`;
// Something else on the port would be photographed instead of this build.
if (
  await fetch(base)
    .then(() => true)
    .catch(() => false)
) {
  console.error(`port ${PORT} is in use: stop that server or set PW_PORT`);
  process.exit(1);
}
const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort', '--host', '127.0.0.1'], {
  stdio: 'ignore',
  detached: true,
});
try {
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
  await trainTiny(page);
  // What the run gave, not the form: from the finished run's status line through the curves to the comparison
  // table, in a window tall enough to hold them (the form's top and the later cards stay out of the picture).
  const top = await page.getByTestId('train-status').evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
  const bottom = await page
    .locator('.train-summary-card')
    .evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
  await page.setViewportSize({ width: 1280, height: Math.ceil(bottom - top) + 24 });
  await page.evaluate((y) => window.scrollTo(0, y), top - 8);
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/train.png' });
  await browser.close();
  console.log('wrote docs/workbench.png and docs/train.png');
} finally {
  if (server.pid) process.kill(-server.pid);
}
