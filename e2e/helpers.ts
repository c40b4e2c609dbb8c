import { expect, type Page, type TestInfo } from '@playwright/test';

export const FIXTURE_MODEL = 'tiny-random';

export function isWebgpuProject(info: TestInfo): boolean {
  return info.project.name === 'webgpu';
}

/** The page URL for a project: the webgpu project always asks for webgpu (auto would rank it below wasm here). */
export function appUrl(info: TestInfo, params: Record<string, string> = {}): string {
  // builtin=tiny-random: the tests use the fixture even once the trained built-in model ships.
  const q = new URLSearchParams({
    test: '1',
    builtin: FIXTURE_MODEL,
    ...(isWebgpuProject(info) ? { backend: 'webgpu' } : {}),
    ...params,
  });
  return `/?${q}`;
}

/** Waits until the engine has a backend and the fixture model is loaded. */
export async function waitForModel(page: Page, name = FIXTURE_MODEL): Promise<void> {
  await expect(page.getByTestId('model-name')).toHaveText(name);
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
  await expect(page.getByTestId('generate-button')).toBeEnabled();
}

/** Saves a screenshot under e2e-output/screenshots/<project>-<name>.png (looked at by a person, not diffed). */
export async function snap(page: Page, info: TestInfo, name: string): Promise<void> {
  await page.screenshot({ path: `e2e-output/screenshots/${info.project.name}-${name}.png`, fullPage: true });
}

/** Collects page errors and worker console errors so a test can assert there were none. */
export function trackConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/** Opens the Advanced drawer (the method settings live folded there) unless it is open already. */
export async function openSettings(page: Page): Promise<void> {
  const drawer = page.getByTestId('advanced-drawer');
  if (!(await drawer.evaluate((d) => (d as HTMLDetailsElement).open)))
    await page.getByTestId('advanced-toggle').click();
  await expect(page.getByTestId('settings-panel')).toBeVisible();
}
