// The customer's audio and video state, shown in the mirror whether or not the mirror's copy can
// play: the agent's browser may refuse to play without a gesture of its own, and the mirror does
// not fetch media from the customer's site. Each mirrored <audio>/<video> carries
// `data-duet-media` ("playing" or "paused") and `data-duet-media-time` (seconds, at the last
// play, pause or seek), from rrweb's `rr_mediaState` in the snapshot and its media interaction
// events after it; MEDIA_STYLE_RULES outline a playing one. rrweb's replayer still plays and
// seeks the mirror's copy where it can.

import { EVENT_INCREMENTAL, NODE_ELEMENT, SOURCE_MEDIA_INTERACTION, SOURCE_MUTATION } from "../rrwebwords";

/** rrweb's media interaction numbers that matter here. */
const MEDIA_PLAY = 0;
const MEDIA_PAUSE = 1;

/** Rules the mirror's document gets with each snapshot. */
export const MEDIA_STYLE_RULES = ["[data-duet-media=playing] { outline: 2px solid #16a34a !important; outline-offset: 2px !important; }"];

/** A node as rrweb serializes it (only what is read here). */
interface SerializedElement {
  type?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
}

/** Adds the state attributes to one serialized <audio> or <video>, in place. */
export function markMediaState(node: SerializedElement): void {
  if (node.type !== NODE_ELEMENT || (node.tagName !== "audio" && node.tagName !== "video")) return;
  const attributes = (node.attributes ??= {});
  attributes["data-duet-media"] = attributes["rr_mediaState"] === "played" ? "playing" : "paused";
  const time = attributes["rr_mediaCurrentTime"];
  if (typeof time === "number") attributes["data-duet-media-time"] = time.toFixed(1);
}

/** For an rrweb media interaction event, the mutation that sets the state attributes on its
 * element (to apply right after it); null for any other event. */
export function mediaStateChange(event: unknown): unknown {
  const { type, data, timestamp } = (event ?? {}) as { type?: unknown; data?: Record<string, unknown>; timestamp?: unknown };
  if (type !== EVENT_INCREMENTAL || typeof data !== "object" || data === null || data["source"] !== SOURCE_MEDIA_INTERACTION) return null;
  const [id, kind, time] = [data["id"], data["type"], data["currentTime"]];
  if (typeof id !== "number") return null;
  const attributes: Record<string, string> = {};
  if (kind === MEDIA_PLAY) attributes["data-duet-media"] = "playing";
  if (kind === MEDIA_PAUSE) attributes["data-duet-media"] = "paused";
  if (typeof time === "number") attributes["data-duet-media-time"] = time.toFixed(1);
  if (Object.keys(attributes).length === 0) return null;
  return { type: EVENT_INCREMENTAL, timestamp, data: { source: SOURCE_MUTATION, texts: [], attributes: [{ id, attributes }], removes: [], adds: [] } };
}
