// The child's side of a cross-origin iframe in its parent's session: a page running Duet's script
// inside a frame starts no session and shows no widget of its own. It sends nothing until its
// parent page (which invites only while an agent watches it, `frameparent.ts`) asks, and then
// only once Duet said the parent's origin is a website of this page's tenant; Duet's answer
// carries the tenant's masking policy, applied here before anything leaves. The join goes to the
// parent's exact origin with a MessagePort, and the recording flows over that port.

import { ApiError, callApi } from "../api";
import { natives } from "../natives";
import type { Policy } from "../protocol";
import { FRAME_INVITE, FRAME_JOIN, type FromChild, type ToChild, isFrameMessage } from "./framemessages";
import { Masking } from "./masking";
import { askDuet } from "./frameparent";
import { type Batch, Recorder } from "./recorder";

/** This page as a frame of another page's session. */
export class FrameChild {
  #duetOrigin: string;
  #tenant: string | null;
  /** The parent's origin while asking Duet about it or joined to it. */
  #parent: string | null = null;
  #port: MessagePort | null = null;
  #recorder: Recorder | null = null;

  /** Listens for its parent's invite; `duetOrigin` is Duet's, `tenant` the script tag's. */
  constructor(duetOrigin: string, tenant: string | null) {
    this.#duetOrigin = duetOrigin;
    this.#tenant = tenant;
    natives().listen<MessageEvent>(window, "message", (event) => this.#onMessage(event));
  }

  #onMessage(event: MessageEvent): void {
    // Only the window that frames this page may invite it, and only once at a time.
    if (event.source !== window.parent || !isFrameMessage(event.data, FRAME_INVITE)) return;
    if (this.#parent !== null) {
      if (this.#parent !== event.origin || this.#port === null) return;
      this.#leave(); // The parent started a new recording: join it afresh.
    }
    this.#parent = event.origin;
    void this.#join(event.origin);
  }

  async #join(parent: string): Promise<void> {
    let policy: Policy;
    try {
      const body: Record<string, string> = { parent };
      if (this.#tenant !== null) body["tenant"] = this.#tenant;
      ({ policy } = await callApi<{ policy: Policy }>(this.#duetOrigin, "/api/frames/parent", { body }));
    } catch (error) {
      // Not a site of this page's tenant (or Duet unreachable): nothing is sent.
      if (!(error instanceof ApiError)) throw error;
      this.#parent = null;
      return;
    }
    if (this.#parent !== parent) return;
    let masking: Masking;
    try {
      masking = new Masking(policy);
    } catch {
      this.#parent = null;
      return; // A policy selector that is not CSS: fail closed, as the top page does.
    }
    const [mine, theirs] = natives().openChannel();
    this.#port = mine;
    const send = (batch: Batch): void => {
      if (this.#port !== null) natives().portPost(this.#port, { events: batch.events } satisfies FromChild);
    };
    this.#recorder = new Recorder(masking, send, askDuet(this.#duetOrigin, this.#tenant));
    natives().portOnMessage(mine, (message) => this.#onParent(message.data as ToChild | null));
    window.parent.postMessage({ duet: FRAME_JOIN }, parent, [theirs]);
  }

  #onParent(message: ToChild | null): void {
    if (message?.type === "snapshot") this.#recorder?.snapshot();
    if (message?.type === "stop") this.#leave();
  }

  #leave(): void {
    this.#recorder?.stop();
    this.#recorder = null;
    if (this.#port !== null) {
      natives().portOnMessage(this.#port, null);
      natives().portClose(this.#port);
    }
    this.#port = null;
    this.#parent = null;
  }
}
