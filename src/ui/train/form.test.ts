import { describe, expect, it } from 'vitest';
import { InputError } from '../../core/errors';
import {
  DEFAULT_FORM,
  FormError,
  formFieldOf,
  parseSeeds,
  parseTrainForm,
  type FormField,
  type TrainForm,
} from './form';

const form = (over: Partial<TrainForm>): TrainForm => ({ ...DEFAULT_FORM, ...over });

function fieldOf(f: TrainForm): FormField | null {
  try {
    parseTrainForm(f);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(FormError);
    expect(e).toBeInstanceOf(InputError);
    return (e as FormError).formField;
  }
}

describe('parseTrainForm', () => {
  it('parses the defaults into shared options, strategies and seeds', () => {
    const p = parseTrainForm(form({ seeds: '0, 1,1', lr: '3e-4' }));
    expect(p.seeds).toEqual([0, 1]);
    expect(p.strategies).toEqual(['uniform', 'coupled']);
    expect(p.checkpointEvery).toBe(5);
    expect(p.options).toMatchObject({
      task: 'addition',
      level: 4,
      steps: 10,
      group: 4,
      prompts: 4,
      lr: 3e-4,
      maxTokens: 96,
      evalEvery: 5,
      evalProblems: 16,
    });
  });

  it.each<[Partial<TrainForm>, FormField]>([
    [{ steps: '0' }, 'steps'],
    [{ steps: '-3' }, 'steps'],
    [{ steps: '' }, 'steps'],
    [{ group: '1' }, 'group'],
    [{ lr: '0' }, 'lr'],
    [{ lr: 'NaN' }, 'lr'],
    [{ lr: 'abc' }, 'lr'],
    [{ task: 'chess' }, 'task'],
    [{ level: '9' }, 'level'],
    [{ strategies: [] }, 'strategies'],
    [{ strategies: ['magic' as never] }, 'strategies'],
    [{ seeds: '' }, 'seeds'],
    [{ seeds: '1.5' }, 'seeds'],
    [{ maxTokens: '0' }, 'maxTokens'],
    [{ evalEvery: '0' }, 'evalEvery'],
    [{ creditSign: 'v3' as never }, 'creditSign'],
    [{ planningSet: 'words' as never }, 'planningSet'],
    [{ checkpointEvery: '-1' }, 'checkpointEvery'],
    [{ checkpointEvery: '2.5' }, 'checkpointEvery'],
    [{ checkpointEvery: '' }, 'checkpointEvery'],
    [{ strategies: ['capo'], capoPenalty: '0' }, 'capoPenalty'],
    [{ strategies: ['pure'], pureTemperature: '-0.1' }, 'pureTemperature'],
    [{ strategies: ['pure'], pureTemperature: '' }, 'pureTemperature'],
  ])('%j is rejected on field %s', (over, field) => {
    expect(fieldOf(form(over))).toBe(field);
  });

  it('credit sign and planning set go to every run (defaults v2, anchor)', () => {
    expect(parseTrainForm(DEFAULT_FORM).options).toMatchObject({ creditSign: 'v2', planningSet: 'anchor' });
    const p = parseTrainForm(form({ creditSign: 'v1', planningSet: 'grams', strategies: ['hicra', 'coupled'] }));
    expect(p.options).toMatchObject({ creditSign: 'v1', planningSet: 'grams' });
  });

  it('CAPO penalty and PURE temperature go to the runs only while their strategy is chosen (defaults 1, 0.1)', () => {
    expect([DEFAULT_FORM.capoPenalty, DEFAULT_FORM.pureTemperature]).toEqual(['1', '0.1']);
    const both = parseTrainForm(form({ strategies: ['capo', 'pure'], capoPenalty: '2', pureTemperature: '1' }));
    expect(both.options).toMatchObject({ capoPenalty: 2, pureTemperature: 1 });
    // A bad value in a field whose strategy is not chosen neither blocks the run nor reaches it.
    const neither = parseTrainForm(form({ strategies: ['uniform'], capoPenalty: 'x', pureTemperature: '0' }));
    expect(neither.options).not.toHaveProperty('capoPenalty');
    expect(neither.options).not.toHaveProperty('pureTemperature');
  });

  it('names the field in words and keeps the core message (G = 1)', () => {
    expect(() => parseTrainForm(form({ group: '1' }))).toThrow(
      /^field "G \(group size\)": group must be an integer ≥ 2/,
    );
  });

  it('seeds: a list of whole numbers, duplicates removed', () => {
    expect(parseSeeds('3')).toEqual([3]);
    expect(parseSeeds('2,0,2')).toEqual([2, 0]);
    expect(() => parseSeeds(' , ')).toThrow(/at least one seed/);
    expect(() => parseSeeds('a')).toThrow(/"a" is not a whole number/);
  });

  it('maps a worker error message back to its form field', () => {
    expect(formFieldOf('field "group": group must be …')).toBe('group');
    expect(formFieldOf('field "strategy": unknown strategy "x"')).toBe('strategies');
    expect(formFieldOf('something else')).toBeNull();
  });
});
