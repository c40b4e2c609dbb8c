/** Entry of the sha256 worker (hash-stream.ts): hashes a download's chunks off the page's thread. */
/// <reference lib="webworker" />
import { serveHash, type HashPort } from './hash-stream';

serveHash(self as unknown as HashPort);
