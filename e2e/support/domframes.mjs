// Reads the frames a page sent or received as text: JSON frames as they are, binary `dom` frames
// inflated from their deflate stream, binary pointer frames as the `pointer` message they stand
// for (src/web/binary.rs), the way a console does.

import assert from "node:assert/strict";
import zlib from "node:zlib";

const DOM_FLAG_FULL = 1;
const SYNC_FLUSH_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const POINTER_KIND = 2;

/** A binary pointer frame as its `pointer` message, or null when the frame is not one. */
export function pointerMessage(payload) {
  if (typeof payload === "string" || payload.length !== 6 || payload[0] !== POINTER_KIND) return null;
  return { type: "pointer", from: payload[1] === 1 ? "agent" : "customer", x: payload.readInt16LE(2), y: payload.readInt16LE(4) };
}

/** Every frame's text, binary streams inflated; throws on a binary frame before any full one. */
export function frameTexts(payloads) {
  const texts = [];
  let stream = null;
  const inflate = () => {
    if (stream !== null) texts.push(zlib.inflateRawSync(Buffer.concat(stream), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString());
  };
  for (const payload of payloads) {
    if (typeof payload === "string" || pointerMessage(payload) !== null) {
      texts.push(typeof payload === "string" ? payload : JSON.stringify(pointerMessage(payload)));
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

/** Whether any frame was a binary `dom` frame. */
export function anyBinary(payloads) {
  return payloads.some((payload) => typeof payload !== "string" && pointerMessage(payload) === null);
}

/** Each binary dom frame read back as `{ type: "dom", full, events }`, text frames parsed as JSON. */
export function decodeFrames(payloads) {
  const messages = [];
  let stream = null;
  let seen = 0;
  for (const payload of payloads) {
    if (typeof payload === "string" || pointerMessage(payload) !== null) {
      messages.push(pointerMessage(payload) ?? JSON.parse(payload));
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
