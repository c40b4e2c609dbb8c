import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicFileWriter, removePendingTempFiles, writeFileAtomic } from './node-atomic';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes bytes, text and chunk sequences, replacing an existing file, leaving no temp file', async () => {
    const p = join(dir, 'out.bin');
    await writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(p))]).toEqual([1, 2, 3]);
    await writeFileAtomic(p, 'héllo\n');
    expect(await readFile(p, 'utf8')).toBe('héllo\n');
    await writeFileAtomic(p, ['a', new Uint8Array([0x62]), 'c']);
    expect(await readFile(p, 'utf8')).toBe('abc');
    async function* gen() {
      yield 'x';
      yield 'y';
    }
    await writeFileAtomic(p, gen());
    expect(await readFile(p, 'utf8')).toBe('xy');
    expect(await readdir(dir)).toEqual(['out.bin']);
  });

  it('on failure mid-way leaves neither a partial target nor a temp file, and keeps an old target intact', async () => {
    const p = join(dir, 'out.txt');
    async function* failing() {
      yield 'partial';
      throw new Error('producer failed');
    }
    await expect(writeFileAtomic(p, failing())).rejects.toThrow('producer failed');
    expect(await readdir(dir)).toEqual([]);
    await writeFile(p, 'old');
    await expect(writeFileAtomic(p, failing())).rejects.toThrow('producer failed');
    expect(await readFile(p, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['out.txt']);
  });

  it('fails cleanly when the directory does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'nope', 'x'), 'a')).rejects.toThrow(/ENOENT/);
  });
});

describe('AtomicFileWriter', () => {
  it('streams chunks and renames on commit; the target does not exist before', async () => {
    const p = join(dir, 'stream.bin');
    const w = new AtomicFileWriter(p);
    w.write(new Uint8Array([1, 2]));
    w.write('ab');
    expect(w.bytesWritten).toBe(4);
    expect((await readdir(dir)).includes('stream.bin')).toBe(false);
    w.commit();
    w.abort(); // no-op after commit
    expect([...(await readFile(p))]).toEqual([1, 2, 0x61, 0x62]);
    expect(await readdir(dir)).toEqual(['stream.bin']);
    expect(() => w.write('x')).toThrow(/already finished/);
  });

  it('abort removes the temporary file and leaves an existing target alone', async () => {
    const p = join(dir, 'keep.txt');
    await writeFile(p, 'old');
    const w = new AtomicFileWriter(p);
    w.write('new data');
    w.abort();
    w.abort();
    expect(await readFile(p, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['keep.txt']);
  });
});

describe('removePendingTempFiles', () => {
  it('removes the temp files of unfinished writers only', async () => {
    const done = new AtomicFileWriter(join(dir, 'done.txt'));
    done.write('ok');
    done.commit();
    const open1 = new AtomicFileWriter(join(dir, 'a.txt'));
    open1.write('partial');
    expect((await readdir(dir)).length).toBe(2); // done.txt + a temp file
    removePendingTempFiles();
    expect(await readdir(dir)).toEqual(['done.txt']);
    open1.abort(); // still safe afterwards
  });
});
