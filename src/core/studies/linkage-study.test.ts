import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../model/load';
import { tinyGpt2Files } from '../model/testing/tinyGpt2';
import { analyzeModel } from '../rhythm/analyze';
import { poolCounts, rowsOf, sequenceLinkage } from './linkage';
import { LinkageStudy, linkageInputOf, perSequenceValues } from './linkage-study';

describe('LinkageStudy over model records', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('pools the sequences, keeps per-sequence rows and receiver heads, uses global FAI under faiHeads=receiver', async () => {
    const { model } = await loadModel(tinyGpt2Files({ nLayer: 3, nHead: 2, nEmbd: 16, nPositions: 64, seed: 2 }));
    const seqs = [
      [3, 8, 1, 9, 22, 14, 5, 5, 17, 30, 2, 11, 40, 7, 12, 19],
      [4, 4, 6, 21, 33, 2, 9, 18, 25, 3, 1, 16],
    ];
    const study = new LinkageStudy({ k_link: 2 });
    const records = seqs.map(
      (ids) =>
        analyzeModel(
          model,
          { ids, promptLength: 3, tokens: ids.map(String) },
          { H_lo: 2, H_hi: 6, layers: 'all', faiHeads: 'receiver' },
        ).record,
    );
    model.dispose();
    const perSeq = records.map((r) => study.add(r));
    const out = study.result();
    expect(out.sequences).toBe(2);
    expect(out.options).toMatchObject({ q_peak: 0.2, k_link: 2, H_lo: 2, faiHeads: 'receiver' });
    expect(out.receiver_heads).toEqual(records.map((r) => r.heads.receiver));
    expect(out.per_sequence.map(({ index, ...rows }) => [index, rows])).toEqual(perSeq.map((rows, i) => [i, rows]));
    // global FAI, not the record's fai (which is over the receiver heads here)
    expect(linkageInputOf(records[0]).fai).toBe(records[0].fai_global);
    const expected = rowsOf(
      poolCounts(
        records.map((r) =>
          sequenceLinkage(
            { waad: r.waad, fai: r.fai_global!, faiReceiver: r.fai_receiver!, entropy: r.entropy },
            { k_link: 2 },
          ),
        ),
      ),
    );
    expect(out.rows).toEqual(expected);
    expect(out.rows.entropy_at_waad_peaks.observed).not.toBeNull();
    expect(perSequenceValues(out).fai_follows_waad).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});
