/**
 * Caps artifact content at a size: the first `maxBytes` are kept, the rest is read (so a stream's
 * producer is not left hanging) and counted, so the ref can say how big the original was.
 */
import type { ArtifactContent } from './artifact-store.js';

export interface CappedContent {
  /** The kept bytes, in order. */
  chunks(): AsyncGenerator<Uint8Array>;
  /** After `chunks()` is consumed: bytes kept and bytes offered. */
  counts(): { storedBytes: number; originalBytes: number };
}

export function capContent(content: ArtifactContent, maxBytes: number): CappedContent {
  let storedBytes = 0;
  let originalBytes = 0;
  return {
    async *chunks() {
      const source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> =
        content instanceof Uint8Array ? [content] : content;
      for await (const chunk of source) {
        originalBytes += chunk.byteLength;
        const room = maxBytes - storedBytes;
        if (room <= 0) continue;
        const kept = chunk.byteLength <= room ? chunk : chunk.subarray(0, room);
        storedBytes += kept.byteLength;
        // A copy: the caller may reuse its buffer after this chunk was handed over.
        if (kept.byteLength > 0) yield Uint8Array.from(kept);
      }
    },
    counts: () => ({ storedBytes, originalBytes }),
  };
}
