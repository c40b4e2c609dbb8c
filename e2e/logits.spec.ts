import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { isWebgpuProject, waitForModel } from './helpers';

/**
 * The browser computes the same numbers as Node: logits of the committed tiny-random weights for fixed
 * ids, against the plain-JS reference forward (e2e/fixtures/make-logits-fixture.ts).
 * Tolerance: 1e-4 max |diff| on every backend (float32 throughout; logits are O(10)). Measured here
 * (Nov 2026, headless Chromium): webgpu on the SwiftShader fallback adapter 6.9e-6, wasm 5.2e-6.
 * WebGPU was expected to need 1e-3 (different summation order, fused multiply-adds); it does not.
 */
interface LogitsFixture {
  weightsSha256: string;
  ids: number[];
  seqLen: number;
  vocabSize: number;
  logits: number[];
}

const fixture: LogitsFixture = JSON.parse(
  readFileSync(new URL('./fixtures/tiny-random-logits.json', import.meta.url), 'utf8'),
);

test('the logits fixture was made from the committed weights', () => {
  const weights = readFileSync(new URL('../public/models/tiny-random/model.safetensors', import.meta.url));
  const sha = createHash('sha256').update(weights).digest('hex');
  expect(sha, 'stale e2e/fixtures/tiny-random-logits.json: run `npx tsx e2e/fixtures/make-logits-fixture.ts`').toBe(
    fixture.weightsSha256,
  );
});

async function browserLogitsDiff(page: Page): Promise<{ backend: string; maxDiff: number }> {
  const out = await page.evaluate((ids) => window.__rhythmscope!.forwardLogits(ids), fixture.ids);
  expect(out.seqLen).toBe(fixture.seqLen);
  expect(out.vocabSize).toBe(fixture.vocabSize);
  let maxDiff = 0;
  for (let i = 0; i < fixture.logits.length; i++)
    maxDiff = Math.max(maxDiff, Math.abs(out.logits[i] - fixture.logits[i]));
  const backend = (await page.evaluate(() => window.__rhythmscope!.state().backend))!;
  return { backend, maxDiff };
}

test('webgpu logits match the Node reference', async ({ page }, info) => {
  test.skip(!isWebgpuProject(info), 'webgpu project only');
  await page.goto('/?backend=webgpu&test=1&builtin=tiny-random');
  await waitForModel(page);
  const { backend, maxDiff } = await browserLogitsDiff(page);
  expect(backend).toBe('webgpu');
  console.log(`webgpu: max |logit diff| = ${maxDiff.toExponential(2)}`);
  expect(maxDiff).toBeLessThan(1e-4);
});

for (const requested of ['auto', 'wasm', 'webgl', 'cpu'] as const) {
  test(`${requested === 'auto' ? 'auto-picked fallback' : requested} logits match the Node reference`, async ({
    page,
  }, info) => {
    test.skip(isWebgpuProject(info), 'no-webgpu project only');
    await page.goto(`/?test=1&builtin=tiny-random${requested === 'auto' ? '' : `&backend=${requested}`}`);
    await waitForModel(page);
    const { backend, maxDiff } = await browserLogitsDiff(page);
    if (requested === 'auto') expect(['webgl', 'wasm']).toContain(backend);
    else expect(backend).toBe(requested);
    console.log(`${backend}: max |logit diff| = ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-4);
  });
}
