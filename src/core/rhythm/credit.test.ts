import { describe, expect, it } from 'vitest';
import { creditGammas, grpoAdvantages, mulberry32, randomMask, shapeAdvantage } from './credit';
import { rhythmRoles } from './metrics';

const roleOpts = { q: 0.4, k: 3, tau_waad: 'median' as const, tau_delta: 'min-preplan' as const };
const credit = { q: 0.4, alpha: 0.5, gamma_amp: 1.5, seed: 0 };

describe('γ per strategy (hand-computed)', () => {
  // Roles of metrics.test.ts' first example: preplan {0,1,3}, anchor {0,4,5}, dominated {4,5}, intro {3}
  const roles = rhythmRoles([1, 4, 2, 4, 0, 0], [0.9, 0.1, 0.2, 0.3, 0.8, 0.8], roleOpts);
  const entropy = [0.1, 2, 2, 0.5, 3, 0];
  const g = creditGammas(roles, credit, entropy);

  it('uniform, local_chunk, global_anchor', () => {
    expect(g.uniform).toEqual([1, 1, 1, 1, 1, 1]);
    expect(g.local_chunk).toEqual([1.5, 1.5, 1, 1.5, 1, 1]);
    expect(g.global_anchor).toEqual([1.5, 1, 1, 1, 1.5, 1.5]);
  });

  it('coupled: undominated anchor +0.5, dominated +(1−α)·0.5, intro +α·0.5', () => {
    // i=0 undominated anchor: 1.5; i=3 intro: 1 + 0.5·0.5 = 1.25; i=4,5 dominated: 1 + 0.5·0.5 = 1.25
    expect(g.coupled).toEqual([1.5, 1, 1, 1.25, 1.25, 1.25]);
  });

  it('coupled terms add when an intro token is also an anchor', () => {
    // WAAD 1, 5, 0, 0 -> Δ 4, 5, 0, 0; q = 0.5 -> 2: preplan {1, 0}, τ_Δ = 4; median(0,0,1,5) = 0.5
    // FAI 0, 0.6, 0.7, 0 -> anchors {2, 1}. Anchor 1: WAAD 5 > 0.5 -> not dominated.
    // Anchor 2 (k = 2): WAAD 0 ≤ 0.5, Δ over {0, 1} = 4, 5 -> max 5 ≥ 4: dominated, intro 1.
    const r = rhythmRoles([1, 5, 0, 0], [0, 0.6, 0.7, 0], { ...roleOpts, q: 0.5, k: 2 });
    const c = creditGammas(r, { ...credit, q: 0.5, alpha: 0.2 });
    // i=1: 1 + 0.5 (anchor) + 0.2·0.5 (intro) = 1.6; i=2: 1 + 0.8·0.5 = 1.4
    expect(c.coupled[0]).toBe(1);
    expect(c.coupled[1]).toBeCloseTo(1.6, 14);
    expect(c.coupled[2]).toBeCloseTo(1.4, 14);
    expect(c.coupled[3]).toBe(1);
  });

  it('high_entropy = top q by entropy; absent without entropy', () => {
    // top ⌈2.4⌉ = 3 of 0.1, 2, 2, 0.5, 3, 0: i=4, then the 2s at i=1, 2
    expect(g.high_entropy).toEqual([1, 1.5, 1.5, 1, 1.5, 1]);
    expect(creditGammas(roles, credit).high_entropy).toBeUndefined();
  });

  it('random: exactly ⌈q·|R|⌉ boosted, seeded and reproducible', () => {
    expect(g.random.filter((x) => x === 1.5).length).toBe(3);
    expect(creditGammas(roles, credit).random).toEqual(g.random);
    const masks = [1, 2, 3, 4, 5].map((s) => randomMask(50, 20, s).join());
    expect(new Set(masks).size).toBe(5);
    for (let s = 0; s < 20; s++) expect(randomMask(10, 7, s).filter(Boolean).length).toBe(7);
  });

  it('mulberry32 is in [0, 1) and seed-determined', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    for (let i = 0; i < 100; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('γ_amp = 1 makes every strategy uniform', () => {
    const u = creditGammas(roles, { ...credit, gamma_amp: 1 }, entropy);
    for (const arr of Object.values(u)) expect(arr).toEqual([1, 1, 1, 1, 1, 1]);
  });
});

describe('GRPO advantages', () => {
  it('population std by default', () => {
    // mean 0.5, population std 0.5 -> ±1
    expect(grpoAdvantages([1, 0, 0, 1])).toEqual([1, -1, -1, 1]);
    // rewards 3, 1, 2: mean 2, var (1 + 1 + 0)/3 = 2/3 -> (3−2)/√(2/3) = 1.2247…
    const a = grpoAdvantages([3, 1, 2]);
    expect(a[0]).toBeCloseTo(1 / Math.sqrt(2 / 3), 12);
    expect(a[2]).toBe(0);
  });
  it('sample std (ddof 1)', () => {
    // ss = 4·0.25 = 1, var = 1/3 -> 0.5/√(1/3) = 0.8660…
    const a = grpoAdvantages([1, 0, 0, 1], 'sample');
    expect(a[0]).toBeCloseTo(0.5 / Math.sqrt(1 / 3), 12);
    expect(a[1]).toBeCloseTo(-0.5 / Math.sqrt(1 / 3), 12);
  });
  it('all equal or a single response -> zeros, never NaN', () => {
    expect(grpoAdvantages([2, 2, 2])).toEqual([0, 0, 0]);
    expect(grpoAdvantages([0.1, 0.1, 0.1])).toEqual([0, 0, 0]);
    expect(grpoAdvantages([5])).toEqual([0]);
    expect(grpoAdvantages([5], 'sample')).toEqual([0]);
    expect(grpoAdvantages([])).toEqual([]);
  });
});

describe('shaped advantage', () => {
  it('Ã = γ·Â for both signs, HICRA Â + 0.2·|Â| on anchors', () => {
    const roles = rhythmRoles([1, 4, 2, 4, 0, 0], [0.9, 0.1, 0.2, 0.3, 0.8, 0.8], roleOpts);
    const g = creditGammas(roles, credit);
    const s = shapeAdvantage(-1, g, roles.anchor, 0.2);
    expect(s.local_chunk).toEqual([-1.5, -1.5, -1, -1.5, -1, -1]);
    expect(s.uniform).toEqual([-1, -1, -1, -1, -1, -1]);
    // anchors {0,4,5}: −1 + 0.2·1 = −0.8
    expect(s.hicra).toEqual([-0.8, -1, -1, -1, -0.8, -0.8]);
    expect(shapeAdvantage(2, g, roles.anchor, 0.2).hicra).toEqual([2.4, 2, 2, 2, 2.4, 2.4]);
  });
});
