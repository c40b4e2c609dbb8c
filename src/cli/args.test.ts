import { describe, expect, it } from 'vitest';
import { formatFlags, isArgumentError, parseArgs, type FlagSpecs } from './args';

const SPECS = {
  model: { type: 'string', help: 'model folder', value: 'DIR', required: true },
  ids: { type: 'ints', help: 'token ids', min: 0 },
  'max-tokens': { type: 'int', help: 'tokens to generate', default: 32, min: 0 },
  temperature: { type: 'number', help: 'sampling temperature', min: 0 },
  'top-p': { type: 'number', help: 'nucleus', min: 0, minExclusive: true, max: 1 },
  'h-hi': { type: 'number', help: 'horizon', allowInf: true, min: 1 },
  format: { type: 'string', help: 'output format', choices: ['jsonl', 'csv'], default: 'jsonl' },
  sink: { type: 'boolean', help: 'exclude the sink' },
} as const satisfies FlagSpecs;

function argErr(argv: string[], ...parts: string[]) {
  let err: unknown;
  try {
    parseArgs(argv, SPECS, 'forward');
  } catch (e) {
    err = e;
  }
  expect(isArgumentError(err), `expected an ArgumentError, got ${String(err)}`).toBe(true);
  for (const p of parts) expect((err as Error).message).toContain(p);
}

describe('parseArgs', () => {
  it('parses --flag value, --flag=value, booleans, numbers, lists and applies defaults', () => {
    const a = parseArgs(['--model', 'm', '--ids=1,2, 3', '--temperature', '0.7', '--h-hi', 'inf', '--sink'], SPECS);
    expect(a).toEqual({
      model: 'm',
      ids: [1, 2, 3],
      temperature: 0.7,
      'h-hi': Infinity,
      sink: true,
      'max-tokens': 32,
      format: 'jsonl',
    });
    const b = parseArgs(['--model=x=y', '--no-sink', '--max-tokens', '0', '--format', 'csv', '--top-p', '1e-1'], SPECS);
    expect(b.model).toBe('x=y');
    expect(b.sink).toBe(false);
    expect(b['max-tokens']).toBe(0);
    expect(b.format).toBe('csv');
    expect(b['top-p']).toBe(0.1);
    expect(parseArgs(['--model', 'm', '--sink=false'], SPECS).sink).toBe(false);
    // A boolean takes a following true/false as its value; anything else stays a stray argument.
    expect(parseArgs(['--sink', 'false', '--model', 'm'], SPECS).sink).toBe(false);
    expect(parseArgs(['--model', 'm', '--sink', 'TRUE'], SPECS).sink).toBe(true);
    expect(parseArgs(['--sink', '--model', 'm'], SPECS)).toMatchObject({ sink: true, model: 'm' });
    argErr(['--model', 'm', '--sink', 'maybe'], 'unexpected argument "maybe"');
    expect(parseArgs(['--model', 'm', '--temperature', '-0'], SPECS).temperature).toBe(-0);
  });

  it('rejects bad arguments with a message naming the flag', () => {
    argErr(['--model', 'm', '--bogus', '1'], 'unknown flag --bogus', 'rhythmscope forward --help');
    argErr([], '--model is required');
    argErr(['--model'], '--model needs a value');
    argErr(['--model', '--sink'], '--model needs a value');
    argErr(['--model', 'm', 'extra'], 'unexpected argument "extra"');
    argErr(['--model', 'm', '--model', 'n'], '--model given more than once');
    argErr(['--model', 'm', '--max-tokens', '1.5'], '--max-tokens', 'integer');
    argErr(['--model', 'm', '--max-tokens', '12abc'], '--max-tokens', '"12abc"');
    argErr(['--model', 'm', '--max-tokens', '-1'], '--max-tokens', '>= 0');
    argErr(['--model', 'm', '--temperature', 'hot'], '--temperature', 'number');
    argErr(['--model', 'm', '--temperature', 'inf'], '--temperature');
    argErr(['--model', 'm', '--top-p', '0'], '--top-p', '> 0');
    argErr(['--model', 'm', '--top-p', '1.5'], '--top-p', '<= 1');
    argErr(['--model', 'm', '--h-hi', '0'], '--h-hi', '>= 1');
    argErr(['--model', 'm', '--format', 'xml'], '--format', 'jsonl, csv');
    argErr(['--model', 'm', '--ids', '1,,2'], '--ids');
    argErr(['--model', 'm', '--ids', '1,-2'], '--ids', '>= 0');
    argErr(['--model', 'm', '--sink=maybe'], '--sink', 'true or false');
    argErr(['--model', 'm', '--no-model'], 'unknown flag --no-model');
  });

  it('formats help from the specs', () => {
    const help = formatFlags(SPECS);
    expect(help).toContain('--model DIR');
    expect(help).toContain('(required)');
    expect(help).toContain('--format jsonl|csv');
    expect(help).toContain('default 32');
    expect(help.split('\n').length).toBeGreaterThanOrEqual(Object.keys(SPECS).length);
  });
});
