// Binary pointer frames (src/web/binary.rs; change both and their comments together): byte 0 is
// the kind, 2 (`POINTER_KIND`), or 6 for an agent's laser (`POINTER_FLAG_LASER` set: the customer
// draws a short fading trail), then the sender (0 customer, 1 agent), then x and y as
// little-endian int16 CSS pixels. Six bytes instead of a ~35-byte JSON envelope. Duet refuses a
// customer's laser frame.

import type { ServerMsg } from "./protocol";

/** Byte 0 of a pointer frame. */
export const POINTER_KIND = 2;
/** Flag bit of byte 0: an agent's laser. */
export const POINTER_FLAG_LASER = 0b100;
/** Length of a pointer frame. */
export const POINTER_FRAME_LEN = 6;

/** A `pointer` message as a binary frame stands for it; `laser` only on a laser frame. */
export type PointerMsg = Extract<ServerMsg, { type: "pointer" }> & { laser?: true };

const INT16_MIN = -32768;
const INT16_MAX = 32767;

/** The frame a browser sends for its pointer (or laser) at (x, y); Duet writes in who sent it. */
export function pointerFrame(x: number, y: number, laser = false): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(POINTER_FRAME_LEN);
  const view = new DataView(bytes.buffer);
  bytes[0] = laser ? POINTER_KIND | POINTER_FLAG_LASER : POINTER_KIND;
  view.setInt16(2, toInt16(x), true);
  view.setInt16(4, toInt16(y), true);
  return bytes;
}

/** Reads a pointer frame from Duet as the `pointer` message it stands for; null if it is not one. */
export function readPointerFrame(bytes: Uint8Array): PointerMsg | null {
  const kind = bytes[0] ?? 0;
  if (bytes.byteLength !== POINTER_FRAME_LEN || (kind & ~POINTER_FLAG_LASER) !== POINTER_KIND) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pointer: PointerMsg = { type: "pointer", from: bytes[1] === 1 ? "agent" : "customer", x: view.getInt16(2, true), y: view.getInt16(4, true) };
  if ((kind & POINTER_FLAG_LASER) !== 0) pointer.laser = true;
  return pointer;
}

function toInt16(value: number): number {
  return Math.max(INT16_MIN, Math.min(INT16_MAX, Math.round(value)));
}
