/** sha256 of a file's bytes (Web Crypto, in the page, the worker and Node), and the one an ETag carries. */

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The Hub's ETag of a large (LFS) file is its sha256 in hex, quoted; a small file's is a git blob sha1 (40 hex
 * digits), which is not a hash of the bytes alone and is not checked. A weak ETag says nothing about the bytes.
 */
export function shaFromEtag(etag: string | null | undefined): string | undefined {
  if (!etag || etag.startsWith('W/')) return undefined;
  const v = etag.replace(/^"|"$/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(v) ? v : undefined;
}
