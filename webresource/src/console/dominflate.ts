// Reads the customer's binary `dom` frames: one inflate stream, started at each full frame
// (see DOM_FLAG_FULL in ../protocol).

import { Inflate, Z_SYNC_FLUSH } from "pako";
import { DOM_FLAG_FULL, SYNC_FLUSH_TAIL } from "../protocol";

/** One batch of rrweb events, as the customer's recorder made it. */
export interface DomBatch {
  full: boolean;
  events: unknown[];
}

/** Inflates frames in order; after a frame it cannot read it waits for the next full one. */
export class DomInflater {
  #stream: Inflate | null = null;
  #chunks: Uint8Array[] = [];
  #utf8 = new TextDecoder();

  /** The batch a frame carries, or null while waiting for a full frame or for a broken one. */
  read(frame: Uint8Array): DomBatch | null {
    const flags = frame[0];
    if (flags === undefined || frame.length < 2) return null;
    const full = (flags & DOM_FLAG_FULL) !== 0;
    if (full) this.#stream = this.#newStream();
    const stream = this.#stream;
    if (stream === null) return null;
    const input = new Uint8Array(frame.length - 1 + SYNC_FLUSH_TAIL.length);
    input.set(frame.subarray(1));
    input.set(SYNC_FLUSH_TAIL, frame.length - 1);
    try {
      if (!stream.push(input, Z_SYNC_FLUSH) || stream.err !== 0) throw new Error(stream.msg);
      const events: unknown = JSON.parse(this.#utf8.decode(this.#take()));
      if (!Array.isArray(events)) throw new Error("a dom frame carries an event array");
      return { full, events };
    } catch {
      this.restart();
      return null;
    }
  }

  /** Forgets the stream (the socket reconnected): frames wait for the next full one. */
  restart(): void {
    this.#stream = null;
    this.#chunks = [];
  }

  #newStream(): Inflate {
    this.#chunks = [];
    const stream = new Inflate({ raw: true });
    stream.onData = (chunk) => this.#chunks.push(chunk);
    return stream;
  }

  #take(): Uint8Array {
    const chunks = this.#chunks;
    this.#chunks = [];
    const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    return joined;
  }
}
