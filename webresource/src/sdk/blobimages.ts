// Images the page shows from blob: URLs (previews of a file the customer picked, pictures a
// page fetched with its own credentials, drawings) exist only in the customer's browser: the
// agent's mirror cannot load them. When the masking rules show such an image, Duet draws it, at
// most at the size it is shown at, and sends it as a data: URL in an rrweb attribute change of its
// `src`, one image per frame and in a task of its own after rrweb sent the image's element. An
// image inside the mask selectors (or outside what private-by-default allows) stays a blob: URL
// the agent cannot load, as every such image was before.
//
// The bytes are bounded: an image is drawn at most MAX_IMAGE_SIDE_PX on its longer side, one
// larger than MAX_IMAGE_CHARS once encoded is not sent, and at most IMAGE_BUDGET_CHARS of images
// go out per full snapshot (a page of large previews must not fill the socket's queue, which would
// ask for a snapshot again, and again).

import { record } from "@rrweb/record";
import { natives } from "../natives";
import type { Masking } from "./masking";
import { type PixelLimits, pixelsOf } from "./pixels";
import { EVENT_INCREMENTAL, SOURCE_MUTATION } from "../rrwebwords";

/** Longest side an image is drawn at, in pixels. */
export const MAX_IMAGE_SIDE_PX = 1_600;
/** Longest data: URL sent for one image. */
export const MAX_IMAGE_CHARS = 512 * 1024;
/** Characters of images sent per full snapshot (and the changes after it). */
export const IMAGE_BUDGET_CHARS = 2 * 1024 * 1024;
/** Encoding of a drawn image (PNG where the browser cannot encode it). */
/** How an image is encoded. */
const IMAGE_PIXELS: PixelLimits = { maxSide: MAX_IMAGE_SIDE_PX, maxChars: MAX_IMAGE_CHARS, quality: 0.85 };


/** Sends blob: images to the agent as data: URLs. */
export class BlobImages {
  #masking: Masking;
  #emit: (event: unknown) => void;
  #native = natives();
  /** Images to look at, in the order rrweb met them. */
  #queue = new Set<HTMLImageElement>();
  #post = this.#native.taskPoster(() => this.#next());
  #posted = false;
  /** What each image was last drawn as, for the blob: URL it showed then (null: not sendable). */
  #drawn = new WeakMap<HTMLImageElement, { url: string; data: string | null }>();
  /** Images waiting for their `load` event. */
  #loading = new WeakSet<HTMLImageElement>();
  #spent = 0;

  /** `emit` sends one rrweb event in a frame of its own. */
  constructor(masking: Masking, emit: (event: unknown) => void) {
    this.#masking = masking;
    this.#emit = emit;
  }

  /** rrweb serialized `image`, or recorded a change of its `src` (a seam, build/rrweb-patch.mjs). */
  readonly seen = (image: HTMLImageElement): void => {
    if (!isBlob(image)) return;
    this.#queue.add(image);
    this.#schedule();
  };

  /** A full snapshot started: the budget starts again. */
  restart(): void {
    this.#spent = 0;
  }

  /** Forgets what waits (recording stopped). */
  clear(): void {
    this.#queue.clear();
  }

  #schedule(): void {
    if (this.#posted || this.#queue.size === 0) return;
    this.#posted = true;
    this.#post();
  }

  // One image per task: drawing and encoding a large one takes milliseconds of the customer's tab.
  #next(): void {
    this.#posted = false;
    const image = this.#queue.values().next().value;
    if (image === undefined) return;
    this.#queue.delete(image);
    this.#send(image);
    this.#schedule();
  }

  #send(image: HTMLImageElement): void {
    const url = image.getAttribute("src") ?? "";
    if (!isBlob(image) || !image.isConnected || this.#masking.hidesElement(image)) return;
    if (!image.complete) return this.#whenLoaded(image);
    // Only once the agent has the element: a later slice serializes it, and `seen` comes again.
    const id = record.mirror.getId(image);
    if (id <= 0 || !record.mirror.has(id)) return;
    const kept = this.#drawn.get(image);
    const data = kept !== undefined && kept.url === url ? kept.data : draw(image);
    this.#drawn.set(image, { url, data });
    if (data === null || this.#spent + data.length > IMAGE_BUDGET_CHARS) return;
    this.#spent += data.length;
    this.#emit({
      type: EVENT_INCREMENTAL,
      data: { source: SOURCE_MUTATION, texts: [], attributes: [{ id, attributes: { src: data } }], removes: [], adds: [] },
      timestamp: this.#native.dateNow(),
    });
  }

  #whenLoaded(image: HTMLImageElement): void {
    if (this.#loading.has(image)) return;
    this.#loading.add(image);
    const loaded = (): void => {
      this.#loading.delete(image);
      this.seen(image);
    };
    this.#native.listen(image, "load", loaded, { once: true });
  }
}

function isBlob(image: HTMLImageElement): boolean {
  return (image.getAttribute("src") ?? "").startsWith("blob:");
}

// The image at the size it is shown at, within the limits (`pixels.ts`).
function draw(image: HTMLImageElement): string | null {
  return pixelsOf(image, { w: image.naturalWidth, h: image.naturalHeight }, image, IMAGE_PIXELS);
}
