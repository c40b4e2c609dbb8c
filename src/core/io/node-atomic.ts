/**
 * Node-only: write a file so that it either appears complete or not at all. The data goes to a temporary
 * file in the same directory (rename is only atomic within one filesystem), is flushed, then renamed over
 * the target. On any failure the temporary file is removed. Never import this from browser code.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const encoder = new TextEncoder();

export type AtomicData = Uint8Array | string | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

/** Temporary files not yet renamed or removed, so a process that is interrupted can clean them up. */
const pending = new Set<string>();

/**
 * Removes every temporary file of unfinished atomic writes (synchronously: safe in an 'exit' or signal
 * handler). The CLI calls it on exit and on SIGINT/SIGTERM so an interrupted run leaves nothing behind.
 */
export function removePendingTempFiles(): void {
  for (const tmp of pending) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  pending.clear();
}

export function tempPathFor(path: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${rand}.tmp`);
}

/** Writes `data` (bytes, text, or a sequence of chunks, possibly produced asynchronously) to `path` atomically. */
export async function writeFileAtomic(path: string, data: AtomicData): Promise<void> {
  const tmp = tempPathFor(path);
  const handle = await open(tmp, 'wx');
  pending.add(tmp);
  let closed = false;
  try {
    const chunks = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    for await (const chunk of chunks as AsyncIterable<Uint8Array | string>) {
      await writeAll(handle, typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
    }
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(tmp, path);
    pending.delete(tmp);
  } catch (e) {
    if (!closed) await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    pending.delete(tmp);
    throw e;
  }
}

async function writeAll(handle: Awaited<ReturnType<typeof open>>, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.length - done);
    done += bytesWritten;
  }
}

/**
 * Incremental, synchronous variant for producers that run inside synchronous callbacks (e.g. a model's
 * onAttention): write() chunks as they come, then commit() (rename into place) or abort() (remove).
 * Until commit() the target path is untouched.
 */
export class AtomicFileWriter {
  private fd: number | null;
  private readonly tmp: string;
  private done = false;
  bytesWritten = 0;

  constructor(readonly path: string) {
    this.tmp = tempPathFor(path);
    this.fd = openSync(this.tmp, 'wx');
    pending.add(this.tmp);
  }

  write(chunk: Uint8Array | string): void {
    if (this.fd === null) throw new Error(`AtomicFileWriter(${this.path}): already finished`);
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    this.bytesWritten += bytes.length;
  }

  commit(): void {
    if (this.fd === null) throw new Error(`AtomicFileWriter(${this.path}): already finished`);
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
      renameSync(this.tmp, this.path);
      pending.delete(this.tmp);
      this.done = true;
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** Removes the temporary file; safe to call more than once, and a no-op after a successful commit(). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed: nothing to release
      }
      this.fd = null;
    }
    try {
      unlinkSync(this.tmp);
    } catch {
      // never created or already gone
    }
    pending.delete(this.tmp);
  }
}
