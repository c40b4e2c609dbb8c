import { describe, expect, it } from 'vitest';
import { catalogFrom, FALLBACK_MODEL, probeCatalog } from './catalog';

describe('built-in model catalog', () => {
  it('puts rhythm-mini first when served, other folders next, the fixture last', () => {
    expect(catalogFrom(['tiny-random', 'rhythm-mini', 'zz-other']).map((m) => m.id)).toEqual([
      'rhythm-mini',
      'zz-other',
      'tiny-random',
    ]);
    // Known models keep their own order whatever the folder order.
    expect(catalogFrom(['tiny-random', 'rhythm-countdown', 'rhythm-mini']).map((m) => m.id)).toEqual([
      'rhythm-mini',
      'rhythm-countdown',
      'tiny-random',
    ]);
    expect(catalogFrom(['tiny-random']).map((m) => m.id)).toEqual(['tiny-random']);
    expect(catalogFrom([]).map((m) => m.id)).toEqual([FALLBACK_MODEL.id]);
    expect(catalogFrom(['../etc', 'a b']).map((m) => m.id)).toEqual([FALLBACK_MODEL.id]);
  });

  it('falls back to the fixture when the list is missing or malformed', async () => {
    const answer = (body: string, status = 200) =>
      (async () => new Response(body, { status })) as unknown as typeof fetch;
    expect((await probeCatalog(answer('{"models":["rhythm-mini","tiny-random"]}'))).map((m) => m.id)).toEqual([
      'rhythm-mini',
      'tiny-random',
    ]);
    expect((await probeCatalog(answer('nope', 404))).map((m) => m.id)).toEqual(['tiny-random']);
    expect((await probeCatalog(answer('{"models": 3}'))).map((m) => m.id)).toEqual(['tiny-random']);
  });

  it("keeps each model's file list when it is a list of plain file names", async () => {
    const files = {
      'rhythm-mini': ['config.json', 'model.safetensors'],
      'tiny-random': ['../secret', 'config.json'],
      other: 'nope',
    };
    const cat = catalogFrom(['rhythm-mini', 'tiny-random', 'other'], files);
    expect(cat.map((m) => [m.id, m.files])).toEqual([
      ['rhythm-mini', ['config.json', 'model.safetensors']],
      ['other', undefined],
      ['tiny-random', undefined],
    ]);
    const answer = (async () =>
      new Response(
        JSON.stringify({ models: ['tiny-random'], files: { 'tiny-random': ['config.json'] } }),
      )) as unknown as typeof fetch;
    expect((await probeCatalog(answer))[0].files).toEqual(['config.json']);
  });
});
