/** Node-only: write a checkpoint folder atomically (temporary folder, then rename). */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

export async function writeCheckpointDir(dir: string, files: Record<string, Uint8Array>): Promise<void> {
  const target = resolve(dir);
  const tmp = `${target}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(`${tmp}/${name}`, bytes);
  await mkdir(dirname(target), { recursive: true });
  const old = `${target}.old-${process.pid}`;
  await rm(old, { recursive: true, force: true });
  await rename(target, old).catch(() => undefined); // absent the first time
  await rename(tmp, target);
  await rm(old, { recursive: true, force: true });
}
