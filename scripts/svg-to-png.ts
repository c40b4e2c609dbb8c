/**
 * Renders an SVG file to PNG with headless Chromium (the RL comparison plot for the README; Node has no canvas).
 *   npx tsx scripts/svg-to-png.ts in.svg out.png [--scale 2]
 */
import { chromium } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
// @ts-expect-error -- plain .mjs script without type declarations.
import { findChromium } from './find-chromium.mjs';

export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const w = Number(/width="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 800);
  const h = Number(/height="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 600);
  const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({
      viewport: { width: Math.ceil(w), height: Math.ceil(h) },
      deviceScaleFactor: scale,
    });
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    return await page.locator('svg').first().screenshot({ omitBackground: false });
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: npx tsx scripts/svg-to-png.ts in.svg out.png [--scale 2]');
    process.exit(2);
  }
  const i = process.argv.indexOf('--scale');
  const scale = i > 0 ? Number(process.argv[i + 1]) : 2;
  writeFileSync(output, await svgToPng(readFileSync(input, 'utf8'), scale));
  console.log(`wrote ${output}`);
}
