// Canvases (2D and WebGL) reach the agent as images: the agent's mirror is sandboxed without
// scripts, where a canvas shows only its fallback content, so the console shows each serialized
// <canvas> as an <img> (console/canvasimages.ts) and this module sends the canvas's pixels as a
// data: URL in an rrweb attribute change of that node's `src`.
//
// Bounded like blobimages.ts: a canvas is looked at at most every CANVAS_INTERVAL_MS, read in an
// animation frame after the page's own frame callbacks (so a WebGL canvas without
// `preserveDrawingBuffer` that draws every frame still holds its drawing; one that drew once
// reads as transparent after that frame, a limit of WebGL), one canvas per frame, drawn at most
// at the size it is shown at (and MAX_CANVAS_SIDE_PX), sent only when its pixels changed, never
// larger than MAX_CANVAS_CHARS, and at most CANVAS_BUDGET_CHARS_PER_SECOND over all canvases. A
// canvas inside the mask selectors (or outside what private-by-default allows) sends nothing.

import { record } from "@rrweb/record";
import { natives } from "../natives";
import type { Masking } from "./masking";
import { type PixelLimits, pixelsOf } from "./pixels";
import { EVENT_INCREMENTAL, SOURCE_MUTATION } from "../rrwebwords";

/** Least time between two looks at one canvas: at most 2 images a second each. */
export const CANVAS_INTERVAL_MS = 500;
/** Longest side a canvas is drawn at, in pixels. */
export const MAX_CANVAS_SIDE_PX = 1_600;
/** Longest data: URL sent for one canvas. */
export const MAX_CANVAS_CHARS = 256 * 1024;
/** Characters of canvas images sent per second, all canvases together (about 2 Mbit/s): the
 * socket's queue (4 MiB, socket.ts) must not fill on an ordinary connection, or the customer's
 * page would be asked for a full snapshot again and again. */
export const CANVAS_BUDGET_CHARS_PER_SECOND = 256 * 1024;
/** How a canvas is encoded. */
const CANVAS_PIXELS: PixelLimits = { maxSide: MAX_CANVAS_SIDE_PX, maxChars: MAX_CANVAS_CHARS, quality: 0.9 };


/** Sends the page's canvases to the agent as images, when they change. */
export class CanvasFrames {
  #masking: Masking;
  #emit: (event: unknown) => void;
  #native = natives();
  /** Canvases rrweb serialized since the last snapshot started. */
  #canvases = new Set<HTMLCanvasElement>();
  /** The data: URL last sent for each canvas (a snapshot forgets them: the mirror is new). */
  #sent = new WeakMap<HTMLCanvasElement, string>();
  /** Canvases to read, one per animation frame. */
  #due: HTMLCanvasElement[] = [];
  #ticking = false;
  #reading = false;
  #running = false;
  #second = 0;
  #spent = 0;

  /** `emit` sends one rrweb event in a frame of its own. */
  constructor(masking: Masking, emit: (event: unknown) => void) {
    this.#masking = masking;
    this.#emit = emit;
  }

  /** rrweb serialized `canvas` (a seam, build/rrweb-patch.mjs). */
  readonly seen = (canvas: HTMLCanvasElement): void => {
    this.#canvases.add(canvas);
    this.#tick();
  };

  /** Starts looking at canvases (recording started). */
  start(): void {
    this.#running = true;
  }

  /** A full snapshot started: every canvas is sent again once the agent has it. */
  restart(): void {
    this.#canvases.clear();
    this.#sent = new WeakMap();
    this.#due = [];
  }

  /** Stops looking (recording stopped). */
  clear(): void {
    this.#running = false;
    this.restart();
  }

  #tick(): void {
    if (this.#ticking || !this.#running) return;
    this.#ticking = true;
    this.#native.setTimeout(() => {
      this.#ticking = false;
      if (!this.#running) return;
      for (const canvas of this.#canvases) {
        if (!canvas.isConnected) this.#canvases.delete(canvas);
        else if (!this.#due.includes(canvas)) this.#due.push(canvas);
      }
      this.#readNext();
      if (this.#canvases.size > 0) this.#tick();
    }, CANVAS_INTERVAL_MS);
  }

  // One canvas per animation frame, read after the page's frame callbacks of that frame.
  #readNext(): void {
    if (this.#reading || this.#due.length === 0) return;
    this.#reading = true;
    this.#native.requestAnimationFrame(() => {
      this.#reading = false;
      const canvas = this.#due.shift();
      if (canvas !== undefined) this.#send(canvas);
      this.#readNext();
    });
  }

  #send(canvas: HTMLCanvasElement): void {
    if (!canvas.isConnected || this.#masking.hidesElement(canvas)) return;
    const id = record.mirror.getId(canvas);
    if (id <= 0 || !record.mirror.has(id)) return; // The agent does not have it yet.
    const data = draw(canvas);
    if (data === null || data === this.#sent.get(canvas)) return;
    const second = Math.floor(this.#native.now() / 1_000);
    if (second !== this.#second) [this.#second, this.#spent] = [second, 0];
    if (this.#spent + data.length > CANVAS_BUDGET_CHARS_PER_SECOND) return; // Tried again next look.
    this.#spent += data.length;
    this.#sent.set(canvas, data);
    this.#emit({
      type: EVENT_INCREMENTAL,
      data: { source: SOURCE_MUTATION, texts: [], attributes: [{ id, attributes: { src: data } }], removes: [], adds: [] },
      timestamp: this.#native.dateNow(),
    });
  }
}

// The canvas at the size it is shown at, within the limits (`pixels.ts`).
function draw(source: HTMLCanvasElement): string | null {
  return pixelsOf(source, { w: source.width, h: source.height }, source, CANVAS_PIXELS);
}
