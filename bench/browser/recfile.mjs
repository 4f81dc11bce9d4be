// Session recording files (DUETREC1, src/recording/file.rs) for the replay benchmark: read and
// write their entries, check that every page frame inflates as a player would read it, and make a
// long recording from a short real one.
//
// Making it long: the real recording is one segment from its first full snapshot to its last
// entry. Binary page frames come from one deflate stream that the customer's script restarts at
// every full snapshot, so a segment that starts at a full snapshot reads on its own, and copies of
// it byte for byte, one after another with their times moved on, read as well: the result is the
// real session's bytes as if the customer had loaded the page again at each copy's start.

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { decodeFrames } from "../../e2e/support/domframes.mjs";

const MAGIC = Buffer.from("DUETREC1");
/** Entry kinds (engine/tape.rs, TapeKind). */
export const KIND = { page: 1, pageText: 2, pointer: 3, message: 4, gap: 5, end: 6 };
/** Bit 0 of a binary page frame: a full snapshot, where the deflate stream starts again. */
const DOM_FLAG_FULL = 1;
/** Time between one copy's last entry and the next copy's snapshot. */
const BETWEEN_COPIES_MS = 100;
/** Copies at most (a 30-minute recording from a segment of a few seconds stays far below). */
const MAX_COPIES = 10_000;

/** The entries of the recording at `path`: `{ at, kind, payload }`, `at` in UTC milliseconds. */
export function readRecording(path) {
  const bytes = readFileSync(path);
  if (!bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${path} is not a Duet recording`);
  const entries = [];
  for (let at = MAGIC.length; at < bytes.length; ) {
    if (at + 13 > bytes.length) throw new Error(`${path} ends inside an entry's header at byte ${at}`);
    const len = bytes.readUInt32LE(at);
    if (len < 9 || at + 4 + len > bytes.length) throw new Error(`${path} is damaged at byte ${at}`);
    entries.push({ at: Number(bytes.readBigInt64LE(at + 4)), kind: bytes[at + 12], payload: bytes.subarray(at + 13, at + 4 + len) });
    at += 4 + len;
  }
  return entries;
}

/** The file's bytes for `entries`. */
export function encodeRecording(entries) {
  const parts = [MAGIC];
  for (const { at, kind, payload } of entries) {
    const header = Buffer.alloc(13);
    header.writeUInt32LE(9 + payload.length, 0);
    header.writeBigInt64LE(BigInt(at), 4);
    header[12] = kind;
    parts.push(header, payload);
  }
  return Buffer.concat(parts);
}

/** Writes `entries` to `path` in one step (a reader never sees half a file). */
export function writeRecording(path, entries) {
  const temporary = `${path}.bench-tmp`;
  writeFileSync(temporary, encodeRecording(entries));
  renameSync(temporary, path);
}

/** Every page frame of `entries` read as the player reads it (an inflate stream started at each
 * full snapshot); throws at the first that does not inflate to an event array. Returns counts. */
export function checkPageFrames(entries) {
  const frames = entries.filter((entry) => entry.kind === KIND.page).map((entry) => entry.payload);
  const decoded = decodeFrames(frames);
  for (const batch of decoded) {
    if (batch.type !== "dom" || !Array.isArray(batch.events)) throw new Error("a page frame did not read as a batch of events");
  }
  return {
    pageFrames: decoded.length,
    fullSnapshots: decoded.filter((batch) => batch.full).length,
    events: decoded.reduce((sum, batch) => sum + batch.events.length, 0),
  };
}

/** A recording of at least `minutes` from the real `entries` (which end with the end entry):
 * copies of the real segment, each from its full snapshot, then the end. */
export function lengthen(entries, minutes) {
  const segment = entries.filter((entry) => entry.kind !== KIND.end);
  const [first] = segment;
  if (first === undefined || first.kind !== KIND.page || (first.payload[0] & DOM_FLAG_FULL) === 0) {
    throw new Error("the real recording does not start with a full snapshot");
  }
  if (segment.some((entry) => entry.kind === KIND.gap)) throw new Error("the real recording has a gap");
  const span = segment[segment.length - 1].at - first.at;
  const period = span + BETWEEN_COPIES_MS;
  const wanted = minutes * 60_000;
  const out = [];
  let copies = 0;
  while (copies === 0 || (copies - 1) * period + span < wanted) {
    if (copies >= MAX_COPIES) throw new Error(`${MAX_COPIES} copies of a ${span} ms segment are still shorter than ${minutes} min`);
    const shift = copies * period;
    for (const entry of segment) out.push({ ...entry, at: entry.at + shift });
    copies += 1;
  }
  const last = out[out.length - 1];
  out.push({ at: last.at, kind: KIND.end, payload: Buffer.alloc(0) });
  return { entries: out, copies, segmentMs: span, minutes: (last.at - first.at) / 60_000 };
}
