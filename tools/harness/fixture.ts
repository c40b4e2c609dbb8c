/**
 * The UI fixture (tools/harness/fixture.json, written by scripts/make-ui-fixture.ts): one analysed sequence with
 * its record, per-layer thumbnails and a few full maps, so views can be rendered without a model or worker.
 * Float arrays travel as base64 little-endian float32 (a third the size of JSON numbers). Pure: Node + browser.
 */
import type { AnalysisRecord, Thumbnail } from '../../src/core/rhythm';

export interface FixtureJson {
  /** Where it came from (model name, prompt, tool), for humans. */
  source: string;
  model: string;
  numLayers: number;
  numHeads: number;
  seqLen: number;
  promptLength: number;
  record: AnalysisRecord;
  /** [L][H] span d of every head of every layer (the record only lists the selected layers'). */
  spans: number[][];
  thumbnailSize: number;
  /** Per layer: [H, size, size] float32, base64. */
  thumbnails: { layer: number; data: string }[];
  /** Full raw [N, N] float32 maps, base64. */
  maps: { layer: number; head: number; data: string }[];
}

export interface UiFixture {
  source: string;
  model: string;
  numLayers: number;
  numHeads: number;
  seqLen: number;
  promptLength: number;
  record: AnalysisRecord;
  /** layer → [H] span d (as HeadCache.layers' span). */
  spans: Map<number, Float32Array>;
  thumbnails: Map<number, Thumbnail>;
  /** key `${layer}:${head}` as in HeadCache.maps. */
  maps: Map<string, Float32Array>;
}

export function encodeF32(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let bin = '';
  const CHUNK = 0x8000; // String.fromCharCode's argument count is limited
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

export function decodeF32(b64: string, expectedLength?: number): Float32Array {
  const bin = atob(b64);
  if (bin.length % 4 !== 0) throw new Error(`base64 float32 data has ${bin.length} bytes, not a multiple of 4`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const out = new Float32Array(bytes.buffer);
  if (expectedLength !== undefined && out.length !== expectedLength)
    throw new Error(`expected ${expectedLength} floats, got ${out.length}`);
  return out;
}

export function parseFixture(j: FixtureJson): UiFixture {
  const N = j.seqLen;
  const s = j.thumbnailSize;
  return {
    source: j.source,
    model: j.model,
    numLayers: j.numLayers,
    numHeads: j.numHeads,
    seqLen: N,
    promptLength: j.promptLength,
    record: j.record,
    spans: new Map(j.spans.map((row, l) => [l, Float32Array.from(row)])),
    thumbnails: new Map(j.thumbnails.map((t) => [t.layer, { size: s, data: decodeF32(t.data, j.numHeads * s * s) }])),
    maps: new Map(j.maps.map((m) => [`${m.layer}:${m.head}`, decodeF32(m.data, N * N)])),
  };
}
