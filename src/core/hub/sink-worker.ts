/** Entry of a download's worker (file-sink.ts): gathers and hashes a file (its chunks or a cached Blob) off the page. */
/// <reference lib="webworker" />
import { serveSink, type SinkPort } from './file-sink';

serveSink(self as unknown as SinkPort);
