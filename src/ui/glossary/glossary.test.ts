import { describe, expect, it } from 'vitest';
import { STRATEGIES } from '../../core/rhythm/credit';
import { HEAD_CLASS_LABELS } from '../theme/palette';
import { ROLES } from '../tokens/roles';
import { availableSignals, STRATEGY_LABELS } from '../tokens/signals';
import { smallRecord } from '../tokens/testRecord';
import { define, GLOSSARY, termOf } from './glossary';

describe('glossary', () => {
  it('defines every metric, role, head class and strategy name the views show', () => {
    const shown = [
      ...ROLES.map((r) => r.label),
      ...ROLES.map((r) => `${r.label} ${r.set}`), // rhythm chart legend
      'WAAD',
      'FAI',
      'FAI other heads',
      ...availableSignals(smallRecord()).map((s) => s.label), // token strip "Colour by", incl. "γ <strategy>"
      ...Object.values(STRATEGY_LABELS),
      ...Object.values(HEAD_CLASS_LABELS),
      'receiver',
      'span d',
      'τ_waad',
      'τ_Δ',
      'HICRA-style',
    ];
    const missing = shown.filter((label) => !define(label));
    expect(missing).toEqual([]);
  });

  it('maps labels to the right entry', () => {
    expect(termOf('locally dominated')).toBe('dominated');
    expect(termOf('anchor T_glob')).toBe('anchor');
    expect(termOf('introductory I(D)')).toBe('intro');
    expect(termOf('γ coupled')).toBe('coupled');
    expect(termOf('Δ')).toBe('delta');
    expect(define('WAAD')).toBe(GLOSSARY.waad);
    expect(define('throughput')).toBeUndefined();
  });

  it('has an entry for every credit strategy of the engine', () => {
    for (const s of STRATEGIES) expect(GLOSSARY[s]).toMatch(/\w/);
  });

  it('every entry is one short paragraph', () => {
    for (const [id, text] of Object.entries(GLOSSARY)) {
      expect(text.length, id).toBeGreaterThan(20);
      expect(text.length, id).toBeLessThan(260);
    }
  });
});
