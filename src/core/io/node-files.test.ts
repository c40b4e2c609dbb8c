import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModelFiles } from './node-files';
import { writeZip } from './zip';

const enc = new TextEncoder();
const dec = new TextDecoder();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rs-files-'));
  mkdirSync(join(dir, 'gpt2'));
  writeFileSync(join(dir, 'gpt2', 'config.json'), '{"n_layer": 1}');
  writeFileSync(join(dir, 'gpt2.zip'), writeZip([{ path: 'gpt2/config.json', bytes: enc.encode('{"n_layer": 2}') }]));
  writeFileSync(join(dir, 'packed.bin'), writeZip([{ path: 'config.json', bytes: enc.encode('{"n_layer": 3}') }]));
  writeFileSync(join(dir, 'notes.txt'), 'hello');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openModelFiles', () => {
  it('opens a directory, a .zip of one, and a zip whatever its name', async () => {
    const folder = await openModelFiles(join(dir, 'gpt2'));
    expect(folder.name).toBe('gpt2');
    expect(dec.decode((await folder.get('config.json'))!)).toBe('{"n_layer": 1}');
    const zipped = await openModelFiles(join(dir, 'gpt2.zip'));
    expect(zipped.name).toBe('gpt2');
    expect(dec.decode((await zipped.get('config.json'))!)).toBe('{"n_layer": 2}');
    const packed = await openModelFiles(join(dir, 'packed.bin'));
    expect(dec.decode((await packed.get('config.json'))!)).toBe('{"n_layer": 3}');
  });

  it('refuses a missing path and a plain file, naming the path and the flag', async () => {
    await expect(openModelFiles(join(dir, 'nope'), '--model')).rejects.toThrow(
      /nope, field "--model": not a model folder or \.zip \(no such file/,
    );
    await expect(openModelFiles(join(dir, 'notes.txt'))).rejects.toThrow(
      /notes\.txt, field "--model": not a model folder or \.zip \(a plain file\)/,
    );
  });
});
