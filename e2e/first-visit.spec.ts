import { expect, test, type Page } from '@playwright/test';
import { trackConsoleErrors } from './helpers';

const METHOD_LINKS = ['tokens', 'rhythm', 'attention', 'credit'] as const;

async function expectAnalysisShown(page: Page) {
  await expect(page.getByTestId('token-strip')).toBeVisible();
  await expect(page.getByTestId('rhythm-chart')).toBeVisible();
  await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
}

test.describe('first visit', () => {
  test('a fresh profile opens on the analysed example, with the story, and no clicks', async ({ page }) => {
    const errors = trackConsoleErrors(page);
    await page.goto('/?test=1'); // the built-in rhythm-mini, a fresh browser profile (nothing stored)
    await expect(page.getByTestId('story-card')).toBeVisible();
    await expect(page.getByTestId('story-card')).toContainText('347+185');
    await expect(page.getByTestId('story-card')).toContainText('Anchors');
    await expect(page.getByTestId('story-card')).toContainText('Preplan');
    await expectAnalysisShown(page);
    await expect(page.getByTestId('analysis-status')).toContainText('imported attention dump');
    await expect(page.getByTestId('prompt-input')).toHaveValue('347+185=?\n');
    // Above the fold at 1280×860, no scrolling: the token strip, the whole rhythm chart and the attention map.
    const viewport = page.viewportSize()!;
    for (const target of [
      page.getByTestId('token-strip'),
      page.getByTestId('rhythm-chart'),
      page.locator('[data-testid="attention-heatmap"] canvas'),
    ]) {
      const box = (await target.boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
      expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);
    }
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    // Hovering a metric name shows its definition: a role in the strip's legend, FAI in the story, the chart legend.
    const anchorTerm = page.locator('[data-testid="token-strip"] .term[data-term="anchor"]');
    await anchorTerm.hover();
    const tip = page.locator(`#${await anchorTerm.getAttribute('aria-describedby')}`);
    await expect(tip).toBeVisible();
    await expect(tip).toContainText('later tokens keep looking back');
    await page.locator('[data-testid="story-card"] .term[data-term="fai"]').hover();
    await expect(page.locator('[data-testid="story-card"] .term[data-term="fai"] [role="tooltip"]')).toContainText(
      'future attention influence',
    );
    await expect(page.locator('[data-testid="rhythm-chart"] .rc-legend-item title').first()).toContainText(
      'windowed average attention distance',
    );
    // The method page opens from each view's caption, and from the story.
    for (const view of METHOD_LINKS) {
      await page.getByTestId(`method-link-${view}`).click();
      await expect(page.getByTestId('method-page')).toBeVisible();
      await page.getByTestId('method-close').click();
      await expect(page.getByTestId('method-page')).toHaveCount(0);
    }
    await page.getByTestId('story-method').click();
    await expect(page.getByTestId('method-page')).toContainText('arXiv 2510.13554');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('method-page')).toHaveCount(0);
    expect(errors).toEqual([]);
  });

  test('try your own: Generate on a sampled problem ends with its analysis shown', async ({ page }) => {
    await page.goto('/?test=1');
    await expect(page.getByTestId('story-card')).toBeVisible();
    await expect(page.getByTestId('generate-button')).toBeEnabled();
    await page.getByTestId('story-try').click();
    await expect(page.getByTestId('story-card')).toHaveCount(0);
    await expect(page.getByTestId('prompt-input')).toHaveValue(/^\d+\+\d+=\?\n$/);
    await page.getByTestId('temperature-input').fill('0');
    await expect(page.getByTestId('auto-analyze')).toBeChecked();
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('analysis-status')).toContainText('one forward pass');
    await expectAnalysisShown(page);
    // A later visit reopens the last analysis, not the example.
    await page.reload();
    await expect(page.getByTestId('analysis-status')).toContainText('one forward pass');
    await expect(page.getByTestId('story-card')).toHaveCount(0);
  });
});

test('the map picker says what each map is, and shows the receiver heads mean', async ({ page }) => {
  await page.goto('/?test=1');
  const picker = page.getByTestId('map-choice');
  await expect(picker).toHaveAttribute('title', /^Mean attention of the \d+ local heads \(short reach/);
  const hints = await picker
    .locator('option')
    .evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, (o as HTMLOptionElement).title]));
  expect(hints.length).toBeGreaterThan(3);
  for (const [value, title] of hints)
    expect(title, value).toMatch(/^(Mean attention of the|Layer \d+, head \d+ alone)/);
  await picker.selectOption('receiver');
  await expect(picker).toHaveAttribute('title', /receiver heads/);
  await expect(page.locator('[data-testid="attention-heatmap"] canvas')).toBeVisible();
  await expect(page.locator('[data-testid="attention-heatmap"] .chart-title')).toHaveText('Attention');
});

test.describe('first visit on a HiDPI screen', () => {
  test.use({ deviceScaleFactor: 2 });
  test('the attention map fills its column and is drawn at device resolution', async ({ page }) => {
    await page.goto('/?test=1');
    const panel = page.getByTestId('attention-heatmap');
    const canvas = panel.locator('canvas');
    await expect(canvas).toBeVisible();
    const box = (await canvas.boundingBox())!;
    const panelBox = (await panel.boundingBox())!;
    // At 1280×860 the map's column is ~440 px: the square takes most of it (the labels the rest).
    expect(box.width).toBeGreaterThanOrEqual(340);
    expect(box.width).toBeGreaterThan(0.75 * panelBox.width);
    expect(box.height).toBe(box.width);
    // One canvas pixel per device pixel (2 per CSS px), not an upscaled 1× raster.
    await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => c.width)).toBe(Math.round(box.width * 2));
    const rhythm = (await page.getByTestId('rhythm-chart').boundingBox())!;
    expect(rhythm.y + rhythm.height).toBeLessThanOrEqual(860);
  });
});
