// Records the customer's page with rrweb, masked at source, and hands out batches at once.

import { duetSnapshotHooks, record } from "@rrweb/record";
import { natives } from "../natives";
import { Attention } from "./attention";
import type { AssetSender } from "./assets";
import { BlobImages } from "./blobimages";
import { CanvasFrames } from "./canvases";
import { FrameParent, type Vouch } from "./frameparent";
import { DUET_UI_SELECTOR, type Masking } from "./masking";
import { SlicedSnapshot } from "./slicing";
import { EVENT_META } from "../rrwebwords";

/** Most events in one `dom` frame; a longer burst goes out as several frames. */
export const MAX_EVENTS_PER_BATCH = 500;
/** Every kind of field whose value rrweb records goes through `Masking.maskInput`: each input
 * type that carries text (rrweb's `maskAllInputs`), and hidden inputs too, which a checkout's
 * confirmation step may use to carry the card number. */
const MASKED_INPUTS: Record<string, boolean> = {
  color: true, date: true, "datetime-local": true, email: true, month: true, number: true, range: true, search: true,
  tel: true, text: true, time: true, url: true, week: true, textarea: true, select: true, password: true, hidden: true,
  // An option's `value` attribute (build/rrweb-patch.mjs), judged by its select.
  option: true,
};
/** Scroll events are sampled at most this often. */
export const SCROLL_SAMPLE_MS = 50;

/** One batch for the wire. */
export interface Batch {
  full: boolean;
  events: unknown[];
}

interface RrwebEvent {
  type: number;
}

/** rrweb recording with Duet's masking and a time-sliced snapshot; emits batches on the next microtask. */
export class Recorder {
  #masking: Masking;
  #send: (batch: Batch) => void;
  #stop: (() => void) | null = null;
  #events: unknown[] = [];
  #full = false;
  #scheduled = false;
  #slicing = new SlicedSnapshot((event) => this.#push(event));
  /** Flushes that get a task of their own (while a snapshot is sliced; see `#schedule`). */
  #postFlush = natives().taskPoster(() => this.#flushScheduled());

  #images: BlobImages;
  #canvases: CanvasFrames;
  #attention: Attention;
  #assets: AssetSender | null;
  /** Cross-origin iframes of the running recording. */
  #frames: FrameParent | null = null;

  #vouch: Vouch;

  /** `vouch` says which cross-origin frames may join; `assets`, when given, hears of every
   * event, to send the assets the mirror will load. */
  constructor(masking: Masking, send: (batch: Batch) => void, vouch: Vouch, assets: AssetSender | null = null) {
    this.#masking = masking;
    this.#send = send;
    this.#vouch = vouch;
    this.#assets = assets;
    this.#images = new BlobImages(masking, (event) => this.#pushAlone(event));
    this.#canvases = new CanvasFrames(masking, (event) => this.#pushAlone(event));
    this.#attention = new Attention((event) => this.#push(event));
  }

  /** Starts recording; the first batch is a full snapshot, of what fits in one slice. */
  start(): void {
    if (this.#stop !== null) return;
    const masking = this.#masking;
    this.#slicing.capture(() => {
      this.#stop = this.#record(masking);
    });
  }

  #record(masking: Masking): (() => void) | null {
    // rrweb drops every option's `selected` flag when selects are masked (all are, for
    // `maskInput` to judge them), and a select ignores a `value` attribute: the agent would see
    // its first option. The chosen option keeps `selected` when the select's value is shown.
    duetSnapshotHooks.selectedShown = (option) => {
      const select = option.closest("select");
      return select !== null && !masking.hidesInput(select);
    };
    duetSnapshotHooks.image = this.#images.seen;
    duetSnapshotHooks.canvas = this.#canvases.seen;
    this.#canvases.start();
    this.#attention.start();
    this.#frames = new FrameParent(this.#vouch);
    duetSnapshotHooks.iframe = this.#frames.seen;
    return (
      record<RrwebEvent>({
        emit: (event) => this.#onEvent(event),
        // Duet's own UI: left out whole (build/rrweb-patch.mjs), not even a placeholder of its
        // size, which would push the page down in the agent's mirror.
        blockSelector: DUET_UI_SELECTOR,
        maskInputOptions: MASKED_INPUTS,
        maskInputFn: masking.maskInput,
        maskTextSelector: masking.textSelector,
        maskTextFn: masking.maskText,
        slimDOMOptions: { script: true, comment: true },
        // Duet sends the pointer on its own lane, at display rate.
        sampling: { mousemove: false, scroll: SCROLL_SAMPLE_MS },
        recordCanvas: false,
        collectFonts: false,
        inlineImages: false,
      }) ?? null
    );
  }

  /** Sends the whole page: starts recording the first time, then sends a fresh full snapshot. */
  snapshot(): void {
    if (this.#stop === null) return this.start();
    this.#flush();
    this.#slicing.capture(() => record.takeFullSnapshot(true));
  }

  /** Whether the page is being recorded (an agent has watched since the session started). */
  get recording(): boolean {
    return this.#stop !== null;
  }

  /** Stops recording and forgets what was not sent. */
  stop(): void {
    this.#slicing.cancel();
    this.#stop?.();
    this.#stop = null;
    duetSnapshotHooks.selectedShown = null;
    duetSnapshotHooks.image = null;
    duetSnapshotHooks.canvas = null;
    duetSnapshotHooks.iframe = null;
    duetSnapshotHooks.childEvent = null;
    this.#frames?.stop();
    this.#frames = null;
    this.#images.clear();
    this.#canvases.clear();
    this.#attention.stop();
    this.#events = [];
  }

  #onEvent(event: RrwebEvent): void {
    if (event.type === EVENT_META) {
      // A snapshot starts with Meta: whatever came before goes out first, on its own.
      this.#flush();
      this.#full = true;
      this.#images.restart();
      this.#canvases.restart();
      this.#attention.restart();
    }
    this.#push(event);
  }

  #push(event: unknown): void {
    this.#assets?.collect(event);
    this.#events.push(event);
    if (this.#events.length >= MAX_EVENTS_PER_BATCH) this.#flush();
    else this.#schedule();
  }

  // An image's data: URL goes out in a frame of its own, after what came before it.
  #pushAlone(event: unknown): void {
    this.#flush();
    this.#events.push(event);
    this.#flush();
  }

  // Batches go out on the next microtask, at once. While a snapshot is sliced, a slice's events
  // are deflated in a task of their own instead: serializing and deflating in one task came
  // near the 50 ms long-task line on a busy machine. Events keep their order either way.
  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    if (this.#slicing.pending) this.#postFlush();
    else natives().queueMicrotask(() => this.#flushScheduled());
  }

  #flushScheduled(): void {
    this.#scheduled = false;
    this.#flush();
  }

  // The agent's mirror applies events on arrival and stamps them itself: rrweb's timestamps
  // (13 digits each, about a tenth of the compressed stream) are not sent.
  #flush(): void {
    if (this.#events.length === 0) return;
    for (const event of this.#events) delete (event as { timestamp?: number }).timestamp;
    const batch = { full: this.#full, events: this.#events };
    this.#events = [];
    this.#full = false;
    this.#send(batch);
  }
}
