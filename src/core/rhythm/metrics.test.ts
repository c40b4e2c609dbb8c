import { describe, expect, it } from 'vitest';
import { linkage, rhythmRoles } from './metrics';

const base = { q: 0.4, k: 3, tau_waad: 'median' as const, tau_delta: 'min-preplan' as const };

describe('rhythmRoles (hand-computed)', () => {
  // |R| = 6, q = 0.4 -> ⌈2.4⌉ = 3 tokens per top-q set.
  const waad = [1, 4, 2, 4, 0, 0];
  const fai = [0.9, 0.1, 0.2, 0.3, 0.8, 0.8];
  const roles = rhythmRoles(waad, fai, base);

  it('Δ_t = |WAAD_t − WAAD_{t+1}|, last = 0', () => {
    // |1−4| = 3, |4−2| = 2, |2−4| = 2, |4−0| = 4, |0−0| = 0, last 0
    expect(roles.delta).toEqual([3, 2, 2, 4, 0, 0]);
  });

  it('preplan = top 3 of Δ with the tie at 2 going to the earlier position', () => {
    // 4 (i=3), 3 (i=0), then 2 at i=1 and i=2 -> i=1
    expect(roles.preplan).toEqual([true, true, false, true, false, false]);
    // τ_Δ = smallest Δ in T_loc = min(3, 2, 4) = 2
    expect(roles.tau_delta).toBe(2);
  });

  it('anchor = top 3 of FAI, τ_waad = median (even count)', () => {
    expect(roles.anchor).toEqual([true, false, false, false, true, true]);
    // sorted WAAD 0, 0, 1, 2, 4, 4 -> (1 + 2) / 2 = 1.5
    expect(roles.tau_waad).toBe(1.5);
  });

  it('dominated anchors and intro tokens; empty look-back means no', () => {
    // anchor i=0: WAAD 1 ≤ 1.5 but [t−3, t−1] ∩ R is empty -> not dominated
    // anchor i=4: WAAD 0 ≤ 1.5, Δ over i=1..3 = 2, 2, 4, max 4 ≥ 2 -> dominated, intro i=3
    // anchor i=5: WAAD 0 ≤ 1.5, Δ over i=2..4 = 2, 4, 0, max 4 ≥ 2 -> dominated, intro i=3
    expect(roles.dominated).toEqual([false, false, false, false, true, true]);
    expect(roles.intro).toEqual([false, false, false, true, false, false]);
    expect(roles.introOf).toEqual([-1, -1, -1, -1, 3, 3]);
  });

  it('intro ties go to the earlier position; equality with τ counts', () => {
    // WAAD 0, 2, 0, 2, 0 -> Δ 2, 2, 2, 2, 0; q = 0.4 of 5 -> 2: preplan i=0,1 (ties), τ_Δ = 2
    // median of 0,0,0,2,2 = 0; FAI top 2: i=4 (1), then the zeros -> i=0
    const r = rhythmRoles([0, 2, 0, 2, 0], [0, 0, 0, 0, 1], base);
    expect(r.preplan).toEqual([true, true, false, false, false]);
    expect(r.anchor).toEqual([true, false, false, false, true]);
    // anchor i=4: WAAD 0 ≤ 0 (equal), Δ over i=1..3 all 2 ≥ 2 -> dominated, argmax tie -> i=1
    expect(r.dominated).toEqual([false, false, false, false, true]);
    expect(r.intro).toEqual([false, true, false, false, false]);
  });

  it('fixed thresholds and a shorter look-back', () => {
    // same first example, k = 1, τ_waad = 0.5, τ_Δ = 3:
    // i=4: WAAD 0 ≤ 0.5, Δ_3 = 4 ≥ 3 -> dominated, intro 3; i=5: Δ_4 = 0 < 3 -> no
    const r = rhythmRoles(waad, fai, { q: 0.4, k: 1, tau_waad: 0.5, tau_delta: 3 });
    expect(r.dominated).toEqual([false, false, false, false, true, false]);
    expect(r.intro).toEqual([false, false, false, true, false, false]);
    expect(r.tau_waad).toBe(0.5);
    expect(r.tau_delta).toBe(3);
  });

  it('odd median', () => {
    // WAAD 3, 1, 2 -> median 2
    expect(rhythmRoles([3, 1, 2], [0, 0, 0], base).tau_waad).toBe(2);
  });
});

describe('linkage', () => {
  const roles = rhythmRoles([1, 4, 2, 4, 0, 0], [0.9, 0.1, 0.2, 0.3, 0.8, 0.8], base);
  const entropy = [0.1, 2, 2, 0.5, 3, 0];
  it('share of anchors with a preplan token in [t−k, t] ∩ R', () => {
    // preplan {0,1,3}, anchors {0,4,5}; k = 3: 0 ✓ (u=0), 4 ✓ (u=1..3), 5 ✓ (u=3) -> 3/3
    expect(linkage(roles, 3)).toMatchObject({ anchors: 3, anchors_near_preplan: 3, anchor_preplan_share: 1 });
    // k = 1: 0 ✓ (u=0), 4 ✓ (u=3), 5: u ∈ {4,5} none -> 2/3
    expect(linkage(roles, 1).anchor_preplan_share).toBeCloseTo(2 / 3, 12);
    expect(linkage(roles, 1).entropy_preplan).toBeUndefined();
  });
  it('mean entropy at preplan vs other tokens', () => {
    const l = linkage(roles, 3, entropy);
    expect(l.entropy_preplan).toBeCloseTo((0.1 + 2 + 0.5) / 3, 12);
    expect(l.entropy_other).toBeCloseTo((2 + 3 + 0) / 3, 12);
  });
});

describe('role invariants on random vectors', () => {
  it('set sizes, dominated ⊆ anchor, intro within k before a dominated anchor, Δ ≥ 0', () => {
    let seed = 1;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let trial = 0; trial < 50; trial++) {
      const r = 1 + Math.floor(rand() * 30);
      const waad = Array.from({ length: r }, () => rand() * 10);
      const fai = Array.from({ length: r }, () => rand());
      const q = 0.1 + rand() * 0.9;
      const k = 1 + Math.floor(rand() * 4);
      const roles = rhythmRoles(waad, fai, { ...base, q, k });
      const n = Math.ceil(q * r - 1e-9);
      expect(roles.preplan.filter(Boolean).length).toBe(n);
      expect(roles.anchor.filter(Boolean).length).toBe(n);
      roles.delta.forEach((d) => expect(d).toBeGreaterThanOrEqual(0));
      expect(roles.delta[r - 1]).toBe(0);
      roles.dominated.forEach((d, i) => {
        if (!d) return;
        expect(roles.anchor[i]).toBe(true);
        const u = roles.introOf[i];
        expect(u >= i - k && u <= i - 1 && u >= 0).toBe(true);
        expect(roles.intro[u]).toBe(true);
      });
    }
  });

  it('float32-level differences count as ties (earlier position wins)', () => {
    // 1 and 1 + 1e-9 are equal within TIE_REL_TOL: top 1 of [1, 1 + 1e-9] is the earlier one
    const roles = rhythmRoles([0, 0], [1, 1 + 1e-9], { ...base, q: 0.5 });
    expect(roles.anchor).toEqual([true, false]);
    // a real difference (1e-3) is not a tie
    expect(rhythmRoles([0, 0], [1, 1.001], { ...base, q: 0.5 }).anchor).toEqual([false, true]);
  });
});
