/** A small hand-made AnalysisRecord for the views' unit tests (prompt of 2 tokens, response of 4). */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { DEFAULT_OPTIONS } from '../../core/rhythm/options';
import { recordOptions } from '../../core/rhythm/record';

export function smallRecord(withEntropy = true): AnalysisRecord {
  return {
    prompt_length: 2,
    tokens: ['Q', ':', ' a', '\n', 'b,"c"', '<img src=x onerror=alert(1)>'],
    token_ids: [10, 11, 12, 13, 14, 15],
    layers: [0, 1],
    heads: {
      local: [[0, 0]],
      global: [[1, 1]],
      span: [
        [0, 0, 0.5],
        [0, 1, 1],
        [1, 0, 2],
        [1, 1, 3],
      ],
    },
    waad: [0, 2, 0.5, 1],
    fai: [0.4, 0.1, 0.3, 0],
    delta: [2, 1.5, 0.5, 0],
    preplan: [true, true, false, false],
    anchor: [true, false, true, false],
    dominated: [false, false, true, false],
    intro: [false, true, false, false],
    ...(withEntropy ? { entropy: [1, 2, 3, 4] } : {}),
    gamma: {
      uniform: [1, 1, 1, 1],
      local_chunk: [1.5, 1.5, 1, 1],
      global_anchor: [1.5, 1, 1.5, 1],
      coupled: [1.5, 1.25, 1.25, 1],
      random: [1, 1.5, 1.5, 1],
      ...(withEntropy ? { high_entropy: [1, 1, 1.5, 1.5] } : {}),
    },
    options: recordOptions({ ...DEFAULT_OPTIONS }),
    tau_waad: 0.75,
    tau_delta: 1.5,
    linkage: { k: 3, anchors_near_preplan: 2, anchors: 2, anchor_preplan_share: 1 },
    num_layers: 2,
    num_heads: 2,
  };
}
