// Reads the frames a page sent or received as text: JSON frames as they are, binary `dom` frames
// inflated from their deflate stream (src/web/protocol.rs `binary_dom_full`), the way a console does.

import assert from "node:assert/strict";
import zlib from "node:zlib";

const DOM_FLAG_FULL = 1;
const SYNC_FLUSH_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** Every frame's text, binary streams inflated; throws on a binary frame before any full one. */
export function frameTexts(payloads) {
  const texts = [];
  let stream = null;
  const inflate = () => {
    if (stream !== null) texts.push(zlib.inflateRawSync(Buffer.concat(stream), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString());
  };
  for (const payload of payloads) {
    if (typeof payload === "string") {
      texts.push(payload);
      continue;
    }
    if ((payload[0] & DOM_FLAG_FULL) !== 0) {
      inflate();
      stream = [];
    }
    assert.notEqual(stream, null, "a binary dom frame came before any full one: nobody could inflate it");
    stream.push(payload.subarray(1), SYNC_FLUSH_TAIL);
  }
  inflate();
  return texts;
}

/** Whether any frame was binary. */
export function anyBinary(payloads) {
  return payloads.some((payload) => typeof payload !== "string");
}

/** Each binary dom frame read back as `{ type: "dom", full, events }`, text frames parsed as JSON. */
export function decodeFrames(payloads) {
  const messages = [];
  let stream = null;
  let seen = 0;
  for (const payload of payloads) {
    if (typeof payload === "string") {
      messages.push(JSON.parse(payload));
      continue;
    }
    const full = (payload[0] & DOM_FLAG_FULL) !== 0;
    if (full) [stream, seen] = [[], 0];
    assert.notEqual(stream, null, "a binary dom frame came before any full one");
    stream.push(payload.subarray(1), SYNC_FLUSH_TAIL);
    const text = zlib.inflateRawSync(Buffer.concat(stream), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString();
    messages.push({ type: "dom", full, events: JSON.parse(text.slice(seen)) });
    seen = text.length;
  }
  return messages;
}
