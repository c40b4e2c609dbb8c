/**
 * Model weights from a Hugging Face folder: `model.safetensors`, or `model.safetensors.index.json`
 * (`{"weight_map": {tensor: shard}}`) plus its shards, merged into one TensorSource. Only headers are read here;
 * a tensor's bytes are read when the tensor is asked for (by range where the folder allows it).
 */
import { InputError } from '../errors';
import { decodeUtf8, openFile, type ModelFiles } from './files';
import { openSafetensors, type TensorSource } from './safetensors';

export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

export async function readWeights(
  files: ModelFiles,
  onProgress?: (fraction: number, message: string) => void,
): Promise<TensorSource> {
  const single = await openFile(files, SINGLE_FILE);
  if (single) {
    onProgress?.(0.5, `parsing ${SINGLE_FILE}`);
    const src = openSafetensors(single, `${files.name}/${SINGLE_FILE}`);
    onProgress?.(1, `read ${src.names.length} tensors`);
    return src;
  }
  const indexBytes = await files.get(INDEX_FILE);
  if (!indexBytes) {
    throw new InputError(`no ${SINGLE_FILE} or ${INDEX_FILE} in the model folder`, { file: files.name });
  }
  const indexName = `${files.name}/${INDEX_FILE}`;
  const weightMap = parseIndex(decodeUtf8(indexBytes), indexName);
  const shardNames = [...new Set(weightMap.values())];
  const shards = new Map<string, TensorSource>();
  for (let i = 0; i < shardNames.length; i++) {
    const shard = shardNames[i];
    onProgress?.(i / shardNames.length, `reading ${shard} (${i + 1}/${shardNames.length})`);
    const file = await openFile(files, shard);
    if (!file) {
      throw new InputError(`shard listed in ${INDEX_FILE} is missing from the model folder`, {
        file: `${files.name}/${shard}`,
      });
    }
    shards.set(shard, openSafetensors(file, `${files.name}/${shard}`));
  }
  for (const [name, shard] of weightMap) {
    const src = shards.get(shard)!;
    if (!src.info(name)) {
      throw new InputError(`tensor listed in ${INDEX_FILE} weight_map is not in this shard`, {
        file: src.fileName,
        field: name,
      });
    }
  }
  onProgress?.(1, `read ${weightMap.size} tensors from ${shardNames.length} shards`);
  return mergeShards(indexName, weightMap, shards);
}

function parseIndex(text: string, fileName: string): Map<string, string> {
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: fileName });
  }
  const wm = (index as { weight_map?: unknown } | null)?.weight_map;
  if (wm === null || typeof wm !== 'object' || Array.isArray(wm)) {
    throw new InputError('must be an object mapping tensor names to shard files', {
      file: fileName,
      field: 'weight_map',
    });
  }
  const map = new Map<string, string>();
  for (const [name, shard] of Object.entries(wm as Record<string, unknown>)) {
    // Shards live in the same folder: refuse paths that could reach outside it.
    if (typeof shard !== 'string' || shard === '' || shard.startsWith('/') || shard.split(/[\\/]/).includes('..')) {
      throw new InputError(`shard must be a file name in the model folder, got ${JSON.stringify(shard)}`, {
        file: fileName,
        field: `weight_map.${name}`,
      });
    }
    map.set(name, shard);
  }
  if (map.size === 0) throw new InputError('weight_map is empty', { file: fileName, field: 'weight_map' });
  return map;
}

function mergeShards(
  fileName: string,
  weightMap: Map<string, string>,
  shards: Map<string, TensorSource>,
): TensorSource {
  const metadata: Record<string, string> = {};
  for (const s of shards.values()) Object.assign(metadata, s.metadata);
  const names = [...weightMap.keys()];
  const owner = (name: string) => {
    const shard = weightMap.get(name);
    return shard === undefined ? undefined : shards.get(shard);
  };
  return {
    fileName,
    metadata,
    names,
    info: (name) => owner(name)?.info(name),
    getFloat32(name) {
      const src = owner(name);
      if (!src) throw new InputError('no such tensor', { file: fileName, field: name });
      return src.getFloat32(name);
    },
    readFloat32(name) {
      const src = owner(name);
      if (!src) throw new InputError('no such tensor', { file: fileName, field: name });
      return src.readFloat32 ? src.readFloat32(name) : src.getFloat32(name);
    },
  };
}
