/**
 * Node-only: write a file so that it either appears complete or not at all. The data goes to a temporary
 * file in the same directory (rename is only atomic within one filesystem), is flushed, then renamed over
 * the target. On any failure the temporary file is removed. Never import this from browser code.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const encoder = new TextEncoder();

export type AtomicData = Uint8Array | string | Iterable<Uint8Array | string> | AsyncIterable<Uint8Array | string>;

export function tempPathFor(path: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${rand}.tmp`);
}

/** Writes `data` (bytes, text, or a sequence of chunks, possibly produced asynchronously) to `path` atomically. */
export async function writeFileAtomic(path: string, data: AtomicData): Promise<void> {
  const tmp = tempPathFor(path);
  const handle = await open(tmp, 'wx');
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
  } catch (e) {
    if (!closed) await handle.close().catch(() => {});
    await unlink(tmp).catch(() => {});
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
