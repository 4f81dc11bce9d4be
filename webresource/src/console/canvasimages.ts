// The mirror shows each of the customer's canvases as an image: in the mirror's sandbox (no
// allow-scripts) a <canvas> renders as its fallback content, a 0×0 box whatever pixels it gets.
// A serialized <canvas> becomes an <img> under the same rrweb id, with its attributes (style,
// class, width and height, which an image without them would not have: a canvas is 300×150 by
// default); the customer's script sends the canvas's pixels as a data: URL in a change of its
// `src` (sdk/canvases.ts). Until then the image is an empty box of the canvas's size.

import { NODE_ELEMENT } from "../rrwebwords";

/** A canvas's size when its attributes do not say. */
const DEFAULT_CANVAS_WIDTH = "300";
const DEFAULT_CANVAS_HEIGHT = "150";

/** A node as rrweb serializes it (only what is read here). */
interface SerializedElement {
  type?: number;
  tagName?: string;
  attributes?: Record<string, unknown>;
}

/** Turns one serialized `<canvas>` element into an `<img>` in place; leaves other nodes alone. */
export function showCanvasAsImage(node: SerializedElement): void {
  if (node.type !== NODE_ELEMENT || node.tagName !== "canvas") return;
  node.tagName = "img";
  const attributes = (node.attributes ??= {});
  // rrweb's own canvas recording (off in Duet) would put pixels here; only Duet's `src` is used.
  delete attributes["rr_dataURL"];
  delete attributes["src"];
  attributes["width"] ??= DEFAULT_CANVAS_WIDTH;
  attributes["height"] ??= DEFAULT_CANVAS_HEIGHT;
  attributes["data-duet-canvas"] = "";
}
