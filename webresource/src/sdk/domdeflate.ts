// The customer's page changes as binary `dom` frames: one deflate stream per connection,
// sync-flushed after each batch and restarted at every full snapshot (see DOM_FLAG_FULL).

import { Deflate, Z_SYNC_FLUSH } from "pako";
import { natives } from "../natives";
import { DOM_FLAG_FULL, SYNC_FLUSH_TAIL } from "../protocol";
import type { Batch } from "./recorder";

/** zlib's default level: most of the gain of 9 at a fraction of the time on large snapshots. */
export const DEFLATE_LEVEL = 6;


/** Turns batches into binary frames; a batch that could not be inflated is not framed.
 * pako, not fflate: fflate 0.8.3's `Deflate.flush(true)` writes a broken empty stored block
 * at some bit offsets (zlib refuses the stream: "invalid stored block lengths"). */
export class DomDeflater {
  #stream: Deflate | null = null;
  #chunks: Uint8Array[] = [];

  /** The frame for one batch, or null while the stream waits for a full batch to start again
   * (after `restart`, a partial batch would be inflated against a stream the agent never saw). */
  frame(batch: Batch): Uint8Array<ArrayBuffer> | null {
    if (batch.full) this.#stream = this.#newStream();
    const stream = this.#stream;
    if (stream === null) return null;
    const native = natives();
    if (!stream.push(native.encodeUtf8(native.stringify(batch.events)), Z_SYNC_FLUSH)) {
      this.restart();
      return null;
    }
    return this.#take(batch.full);
  }

  /** Forgets the stream (frames were lost, or the socket reconnected): the next frame is full. */
  restart(): void {
    this.#stream = null;
  }

  #newStream(): Deflate {
    this.#chunks = [];
    const stream = new Deflate({ raw: true, level: DEFLATE_LEVEL });
    stream.onData = (chunk) => this.#chunks.push(chunk);
    return stream;
  }

  #take(full: boolean): Uint8Array<ArrayBuffer> {
    const chunks = this.#chunks;
    this.#chunks = [];
    const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const frame = new Uint8Array(1 + length);
    frame[0] = full ? DOM_FLAG_FULL : 0;
    let at = 1;
    for (const chunk of chunks) {
      frame.set(chunk, at);
      at += chunk.length;
    }
    return endsWithTail(frame) ? frame.slice(0, frame.length - SYNC_FLUSH_TAIL.length) : frame;
  }
}

function endsWithTail(frame: Uint8Array): boolean {
  const start = frame.length - SYNC_FLUSH_TAIL.length;
  return start > 0 && SYNC_FLUSH_TAIL.every((byte, i) => frame[start + i] === byte);
}
