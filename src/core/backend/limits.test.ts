import { describe, expect, it } from 'vitest';
import { DEEPSEEK_R1_DISTILL_QWEN_1_5B, QWEN3_0_6B } from '../model/known-shapes';
import { estimateMemory } from '../model/memory';
import { backendBudget, checkFits } from './limits';

const GiB = 1024 ** 3;
const qwen3_06b = QWEN3_0_6B;
const qwen25_15b = DEEPSEEK_R1_DISTILL_QWEN_1_5B; // Qwen2.5-1.5B untied

describe('backend budgets', () => {
  it('wasm: at most 4 GiB, and half the device', () => {
    expect(backendBudget('wasm', { deviceMemoryGiB: 8 }).totalBytes).toBe(4 * GiB);
    expect(backendBudget('wasm', { deviceMemoryGiB: 4 }).totalBytes).toBe(2 * GiB);
    expect(backendBudget('wasm').totalBytes).toBe(4 * GiB);
  });
  it('webgpu: one binding must hold the largest tensor', () => {
    const b = backendBudget('webgpu', { deviceMemoryGiB: 8, maxStorageBufferBindingSize: 128 * 1024 ** 2 });
    // Qwen3-0.6B, tied or not: the head and the 594 MiB untied embedding are split into blocks that fit a 128 MiB
    // binding; a binding smaller than the 16 MiB q/k/v projection does not hold the model
    expect(checkFits(estimateMemory(qwen3_06b, 'webgpu', 1024), b).fits).toBe(true);
    expect(checkFits(estimateMemory({ ...qwen3_06b, tie_word_embeddings: false }, 'webgpu', 1024), b).fits).toBe(true);
    const small = backendBudget('webgpu', { deviceMemoryGiB: 8, maxStorageBufferBindingSize: 8 * 1024 ** 2 });
    const v = checkFits(estimateMemory({ ...qwen3_06b, tie_word_embeddings: false }, 'webgpu', 1024), small);
    expect(v.fits).toBe(false);
    expect(v.reason).toMatch(/largest tensor.*use the wasm backend/);
    const big = backendBudget('webgpu', {
      deviceMemoryGiB: 8,
      maxStorageBufferBindingSize: 2 * GiB,
      maxBufferSize: 2 * GiB,
    });
    expect(checkFits(estimateMemory({ ...qwen3_06b, tie_word_embeddings: false }, 'webgpu', 1024), big).fits).toBe(
      true,
    );
  });
  it('Qwen3-0.6B fits wasm on 8 GiB (2.2 GiB weights + 0.9 GiB working memory); Qwen2.5-1.5B untied does not', () => {
    const wasm = backendBudget('wasm', { deviceMemoryGiB: 8 });
    expect(checkFits(estimateMemory(qwen3_06b, 'wasm', 1024), wasm).fits).toBe(true);
    const v = checkFits(estimateMemory(qwen25_15b, 'wasm', 1024), wasm);
    expect(v.fits).toBe(false);
    expect(v.reason).toMatch(/needs about 7\.\d+ GiB on wasm/);
  });
});
