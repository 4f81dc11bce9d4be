// Binary pointer frames (src/web/binary.rs): kind 2, the sender (0 customer, 1 agent), then x and
// y as little-endian int16 CSS pixels. Six bytes instead of a ~35-byte JSON envelope.

import type { ServerMsg } from "./protocol";

/** Byte 0 of a pointer frame. */
export const POINTER_KIND = 2;
/** Length of a pointer frame. */
export const POINTER_FRAME_LEN = 6;

const INT16_MIN = -32768;
const INT16_MAX = 32767;

/** The frame a browser sends for its pointer at (x, y); Duet writes in who sent it. */
export function pointerFrame(x: number, y: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(POINTER_FRAME_LEN);
  const view = new DataView(bytes.buffer);
  bytes[0] = POINTER_KIND;
  view.setInt16(2, toInt16(x), true);
  view.setInt16(4, toInt16(y), true);
  return bytes;
}

/** Reads a pointer frame from Duet as the `pointer` message it stands for; null if it is not one. */
export function readPointerFrame(bytes: Uint8Array): Extract<ServerMsg, { type: "pointer" }> | null {
  if (bytes.byteLength !== POINTER_FRAME_LEN || bytes[0] !== POINTER_KIND) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { type: "pointer", from: bytes[1] === 1 ? "agent" : "customer", x: view.getInt16(2, true), y: view.getInt16(4, true) };
}

function toInt16(value: number): number {
  return Math.max(INT16_MIN, Math.min(INT16_MAX, Math.round(value)));
}
