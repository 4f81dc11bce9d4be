// What the mirror needs changed in the customer's serialized nodes before rrweb builds them,
// beyond sanitizing (sanitize.ts calls this once per element it keeps): a canvas becomes an image
// (canvasimages.ts), audio and video carry their play state (mediastate.ts).

import { showCanvasAsImage } from "./canvasimages";
import { markMediaState } from "./mediastate";

/** A node as rrweb serializes it (only what is read here). */
interface SerializedElement {
  type?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
}

/** Adapts one serialized node for the mirror, in place; other nodes are left alone. */
export function adaptForMirror(node: SerializedElement): void {
  showCanvasAsImage(node);
  markMediaState(node);
}
