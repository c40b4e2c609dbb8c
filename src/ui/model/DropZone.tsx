/**
 * Drop a model folder (or its files, or a .zip of it) here: config.json, model.safetensors and a tokenizer file.
 * Folders are walked with the File System entry API; loose files keep their own names; one .zip is unpacked.
 */
import { useState, type DragEvent } from 'react';
import { loadModelChoice } from './actions';

interface Dropped {
  name: string;
  files: File[];
  paths: string[];
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function readDirectory(dir: FileSystemDirectoryEntry, prefix: string, out: Dropped): Promise<void> {
  const reader = dir.createReader();
  // readEntries returns batches until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return;
    for (const e of batch) await readEntry(e, prefix, out);
  }
}

async function readEntry(entry: FileSystemEntry, prefix: string, out: Dropped): Promise<void> {
  if (entry.isFile) {
    out.files.push(await fileOf(entry as FileSystemFileEntry));
    out.paths.push(prefix + entry.name);
  } else if (entry.isDirectory) {
    await readDirectory(entry as FileSystemDirectoryEntry, `${prefix}${entry.name}/`, out);
  }
}

/** The dropped files with paths inside the model folder (a single dropped folder's own name is stripped). */
export async function droppedModel(dt: DataTransfer): Promise<Dropped> {
  const entries = Array.from(dt.items ?? []).map((i) => (i.kind === 'file' ? i.webkitGetAsEntry?.() : null));
  const out: Dropped = { name: 'dropped files', files: [], paths: [] };
  if (entries.length > 0 && entries.every((e) => e)) {
    const single = entries.length === 1 && entries[0]!.isDirectory;
    if (single) out.name = entries[0]!.name;
    for (const e of entries)
      await (single ? readDirectory(e as FileSystemDirectoryEntry, '', out) : readEntry(e!, '', out));
  } else {
    for (const f of Array.from(dt.files)) (out.files.push(f), out.paths.push(f.name));
  }
  return out;
}

export function DropZone({ disabled }: { disabled: boolean }) {
  const [over, setOver] = useState(false);
  const onDrop = async (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (disabled) return;
    const d = await droppedModel(e.dataTransfer);
    if (d.files.length === 1 && /\.zip$/i.test(d.files[0].name))
      void loadModelChoice({ kind: 'zip', file: d.files[0] });
    else if (d.files.length) void loadModelChoice({ kind: 'folder', name: d.name, files: d.files, paths: d.paths });
  };
  return (
    <div
      className={`drop-zone${over ? ' is-over' : ''}${disabled ? ' is-disabled' : ''}`}
      data-testid="model-drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => void onDrop(e)}
    >
      Drop a model folder (or a .zip of one) here: config.json, model.safetensors and a tokenizer file (Hugging Face
      layout).
    </div>
  );
}
