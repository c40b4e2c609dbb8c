/**
 * The model panel's facts: from the model's config.json (the Hub's, or the one the worker read from a URL, folder
 * or zip: family, grouped KV heads, head_dim, dtype on disk), else from what the worker reports (GPT-2 layout);
 * with the memory the workbench needs on the active backend (model/memory.ts, float32 weights).
 */
import type { BackendName } from '../../core/backend/rank';
import { estimateMemory, modelShape } from '../../core/model/memory';
import { formatBytes } from '../../core/hub/progress';
import type { ModelInfo } from '../../worker/protocol';
import { formatParams, withThousands } from './format';

export const FACTS_CONTEXT = 1024;

export function modelFactRows(
  info: ModelInfo,
  config: Record<string, unknown> | null,
  backend: BackendName | null,
): [string, string][] {
  const known = config ?? info.config ?? null;
  const cfg = known ?? {
    model_type: 'gpt2',
    n_layer: info.nLayer,
    n_head: info.nHead,
    n_embd: info.nEmbd,
    n_positions: info.nPositions,
    vocab_size: info.vocabSize,
  };
  let shape: ReturnType<typeof modelShape> | undefined;
  try {
    shape = modelShape(cfg);
  } catch {
    shape = undefined;
  }
  const rows: [string, string][] = [];
  if (known && shape) rows.push(['Family', shape.modelType]);
  rows.push(['Parameters', `${formatParams(info.numParams)} (${withThousands(info.numParams)})`]);
  if (shape && shape.kvHeads !== shape.heads)
    rows.push(['Layers × heads', `${info.nLayer} × ${shape.heads} (${shape.kvHeads} KV)`]);
  else rows.push(['Layers × heads', `${info.nLayer} × ${info.nHead}`]);
  if (shape) rows.push(['head_dim', String(shape.headDim)]);
  rows.push(['Width', String(info.nEmbd)]);
  rows.push(['Context', `${info.nPositions} tokens`]);
  rows.push([
    'Vocabulary',
    `${withThousands(info.vocabSize)} (${info.tokenizerKind === 'char' ? 'characters' : 'BPE'})`,
  ]);
  if (known && shape) rows.push(['dtype on disk', shape.dtype]);
  if (shape && backend) {
    const est = estimateMemory(cfg, backend, FACTS_CONTEXT);
    rows.push([`Memory on ${backend}`, `${formatBytes(est.totalBytes)} at ${est.context} tokens`]);
  }
  return rows;
}
