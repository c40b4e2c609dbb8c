import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { appUrl, FIXTURE_MODEL, isWebgpuProject, waitForModel } from './helpers';
import { MockHub } from './mock-hub';
import { mockRepos, TOKEN } from './mock-hub-repos';

/**
 * Opening models from a mock Hub (e2e/mock-hub.ts, started here): download with progress, the cache (reload with
 * the server stopped), resume after a cut, a gated repo and its token, every error with the previous model kept,
 * delete, and the cross-origin-isolated page with a threaded wasm backend.
 */
let hub: MockHub;

test.beforeEach(async ({}, info) => {
  test.skip(
    isWebgpuProject(info),
    'Hub downloads and the cache do not depend on the backend; wasm threads are tested here',
  );
  hub = new MockHub(mockRepos());
  await hub.start();
});

test.afterEach(async () => {
  await hub?.stop();
});

const pageUrl = (info: TestInfo, extra: Record<string, string> = {}) =>
  appUrl(info, { backend: 'wasm', hub: hub.hubUrl, ...extra });

async function openRepo(page: Page, id: string): Promise<void> {
  await page.getByTestId('hub-input').fill(id);
  await page.getByTestId('hub-load-button').click();
}

const weightsSize = () => mockRepos()['tiny/model'].files['model.safetensors'].length;

test.describe('Hub models', () => {
  test('the page is cross-origin isolated and wasm runs one thread per core', async ({ page }, info) => {
    await page.goto(pageUrl(info));
    await waitForModel(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-threads', String(cores));
    await expect(page.getByTestId('backend-threads')).toHaveText(cores > 1 ? `threads on (${cores})` : 'threads off');
  });

  test('opens a repo id with progress, then reopens it from the cache with the server stopped', async ({
    page,
  }, info) => {
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(pageUrl(info));
    await waitForModel(page);
    await openRepo(page, 'tiny/model');
    const progress = page.getByTestId('load-progress');
    await expect(progress).toContainText('model.safetensors');
    await expect(progress).toContainText(/MB\/s/);
    await expect(page.getByTestId('model-name')).toHaveText('tiny/model');
    await expect(page.getByTestId('model-picker').locator('option:checked')).toHaveText('hf:tiny/model');
    await expect(page).toHaveURL(/model=hf%3Atiny%2Fmodel/);
    await expect(page.getByTestId('model-facts')).toContainText('Memory on wasm');
    await expect(page.getByTestId('cached-model')).toHaveAttribute('data-repo', 'tiny/model');
    // Weights came through the second origin, as the Hub's CDN serves them.
    expect(hub.log.find((r) => r.origin === 'cdn' && r.file === 'model.safetensors')?.bytes).toBe(weightsSize());
    // The weights were gathered and their sha256 taken off the page's thread, in their own worker (ETag = sha256).
    expect(workers.some((u) => /sink-worker/.test(u))).toBe(true);

    await hub.stop();
    await page.reload();
    await expect(page.getByTestId('model-name')).toHaveText('tiny/model');
    await page.getByTestId('max-tokens-input').fill('3');
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('3 tokens');
  });

  test('a download cut halfway resumes with a Range request', async ({ page }, info) => {
    await page.goto(pageUrl(info));
    await waitForModel(page);
    await openRepo(page, 'flaky/model');
    const problem = page.getByTestId('hub-problem');
    await expect(problem).toHaveAttribute('data-kind', 'interrupted');
    await expect(page.getByTestId('error-banner')).toBeVisible();
    await expect(page.getByTestId('model-name')).toHaveText(FIXTURE_MODEL);
    await page.getByTestId('hub-retry').click();
    await expect(page.getByTestId('model-name')).toHaveText('flaky/model');
    const cdn = hub.log.filter((r) => r.origin === 'cdn' && r.repo === 'flaky/model');
    expect(cdn).toHaveLength(2);
    expect(cdn[1].status).toBe(206);
    expect(cdn[1].range).toMatch(/^bytes=\d+-$/);
    expect(cdn[1].bytes).toBeLessThan(weightsSize());
  });

  test('a gated repo asks for a token, which goes to the Hub origin only and is never stored', async ({
    page,
  }, info) => {
    await page.goto(pageUrl(info));
    await waitForModel(page);
    await openRepo(page, 'gated/model');
    await expect(page.getByTestId('hub-problem')).toHaveAttribute('data-kind', 'gated');
    await expect(page.getByTestId('hub-model-page')).toHaveAttribute('href', `${hub.hubUrl}/gated/model`);
    await expect(page.getByTestId('model-name')).toHaveText(FIXTURE_MODEL);
    await page.getByTestId('hub-token-input').fill(TOKEN);
    await page.getByTestId('hub-token-submit').click();
    await expect(page.getByTestId('model-name')).toHaveText('gated/model');
    const log = hub.log.filter((r) => r.repo === 'gated/model');
    expect(log.filter((r) => r.origin === 'hub' && r.status !== 401).every((r) => r.authorized)).toBe(true);
    expect(log.filter((r) => r.origin === 'cdn').length).toBeGreaterThan(0);
    expect(log.some((r) => r.origin === 'cdn' && r.authorized)).toBe(false);
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + location.href,
    );
    expect(stored).not.toContain(TOKEN);
  });

  test('each failure is named and the previous model stays', async ({ page }, info) => {
    await page.goto(pageUrl(info));
    await waitForModel(page);
    const cases: [string, string, RegExp][] = [
      ['tiny/model@nope', 'not-found', /config\.json.*tiny\/model@nope/],
      ['nobody/here', 'not-found', /config\.json.*404/],
      ['odd/mamba', 'unsupported', /"mamba" is not supported/],
      ['huge/model', 'too-large', /does not fit/],
      ['nocors/model', 'network', /CORS/],
    ];
    for (const [id, kind, text] of cases) {
      await openRepo(page, id);
      const problem = page.getByTestId('hub-problem');
      await expect(problem).toHaveAttribute('data-kind', kind);
      await expect(problem).toContainText(text);
      await expect(page.getByTestId('error-banner')).toBeVisible();
      await expect(page.getByTestId('load-progress')).toHaveCount(0);
      await expect(page.getByTestId('model-name')).toHaveText(FIXTURE_MODEL);
    }
    // The too-large model was refused from its config alone.
    expect(hub.log.filter((r) => r.repo === 'huge/model').map((r) => r.file)).toEqual(['config.json']);
    await page.getByTestId('max-tokens-input').fill('2');
    await page.getByTestId('generate-button').click();
    await expect(page.getByTestId('generation-status')).toContainText('2 tokens');
  });

  test('a file that changes mid-download is refused with the previous model kept; trying again gets the new one', async ({
    page,
  }, info) => {
    await page.goto(pageUrl(info));
    await waitForModel(page);
    await openRepo(page, 'changing/model');
    const problem = page.getByTestId('hub-problem');
    await expect(problem).toHaveAttribute('data-kind', 'checksum');
    await expect(problem).toContainText(/model\.safetensors.*changed during the download/);
    await expect(page.getByTestId('error-banner')).toBeVisible();
    await expect(page.getByTestId('model-name')).toHaveText(FIXTURE_MODEL);
    expect(await page.evaluate(() => window.__rhythmscope!.state().model)).toBe(FIXTURE_MODEL);
    await page.getByTestId('hub-retry').click();
    await expect(page.getByTestId('model-name')).toHaveText('changing/model');
    const cdn = hub.log.filter((r) => r.origin === 'cdn' && r.repo === 'changing/model');
    expect(cdn).toHaveLength(2);
    expect(cdn[1].status).toBe(200); // the whole new version, not a resume of the old one
    expect(cdn[1].bytes).toBeGreaterThan(weightsSize());
  });

  test('a suggested model opens with its prompt preset: chat template on, Qwen3 thinking toggle', async ({
    page,
  }, info) => {
    await page.goto(pageUrl(info));
    await waitForModel(page);
    await page.getByTestId('hub-suggested').locator('summary').click();
    await page.locator('[data-testid="hub-suggested-item"][data-repo="Qwen/Qwen3-0.6B"]').click();
    await expect(page.getByTestId('model-name')).toHaveText('Qwen/Qwen3-0.6B');
    await expect(page.getByTestId('prompt-input')).toHaveValue(/train leaves at 9:40/);
    await expect(page.getByTestId('chat-template-toggle')).toBeChecked();
    await expect(page.getByTestId('thinking-toggle')).toBeChecked();
    // Changed by hand, then another suggested model: its own preset replaces the changes.
    await page.getByTestId('thinking-toggle').uncheck();
    await page.getByTestId('chat-template-toggle').uncheck();
    await page.getByTestId('prompt-input').fill('my own prompt');
    await page.locator('[data-testid="hub-suggested-item"][data-repo="HuggingFaceTB/SmolLM2-135M-Instruct"]').click();
    await expect(page.getByTestId('model-name')).toHaveText('HuggingFaceTB/SmolLM2-135M-Instruct');
    await expect(page.getByTestId('prompt-input')).toHaveValue('Add 27 and 58. Give the sum.');
    await expect(page.getByTestId('chat-template-toggle')).toBeChecked();
    // A repo that is not suggested leaves the prompt alone.
    await page.getByTestId('prompt-input').fill('my own prompt');
    await openRepo(page, 'tiny/model');
    await expect(page.getByTestId('model-name')).toHaveText('tiny/model');
    await expect(page.getByTestId('prompt-input')).toHaveValue('my own prompt');
  });

  test('storage that cannot hold the weights is refused up front, naming the bytes needed', async ({ page }, info) => {
    await page.addInitScript(() => {
      navigator.storage.estimate = async () => ({ quota: 2_000_000, usage: 1_999_000 });
    });
    await page.goto(pageUrl(info));
    await waitForModel(page);
    await openRepo(page, 'tiny/model');
    const problem = page.getByTestId('hub-problem');
    await expect(problem).toHaveAttribute('data-kind', 'quota');
    await expect(problem).toContainText(/need \d+ MB/);
    await expect(problem).toContainText('Delete cached models');
    await expect(page.getByTestId('model-name')).toHaveText(FIXTURE_MODEL);
    expect(hub.log.some((r) => r.file === 'model.safetensors')).toBe(false);
  });

  test('a cached model is deleted from the panel and from Cache Storage', async ({ page }, info) => {
    await page.goto(pageUrl(info));
    await waitForModel(page);
    await openRepo(page, 'tiny/model');
    await expect(page.getByTestId('model-name')).toHaveText('tiny/model');
    await expect(page.getByTestId('storage-estimate')).toContainText('used of');
    await page.getByTestId('cached-model-delete').click();
    await expect(page.getByTestId('cached-model')).toHaveCount(0);
    const left = await page.evaluate(async () => (await (await caches.open('rhythmscope-hub-v1')).keys()).length);
    expect(left).toBe(0);
  });
});
