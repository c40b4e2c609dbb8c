/** Entry of a download's worker (file-sink.ts): gathers and hashes a file's chunks off the page's thread. */
/// <reference lib="webworker" />
import { serveSink, type SinkPort } from './file-sink';

serveSink(self as unknown as SinkPort);
