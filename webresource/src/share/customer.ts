// The customer's side of one screen share: accept, choose a surface the tenant allows, offer
// it over WebRTC, stop (from the page or from the browser's own "Stop sharing").

import { callApi } from "../api";
import type { ServerMsg } from "../protocol";
import { DuetSocket, socketUrl } from "../socket";
import { SharePeer, isSignalData } from "./peer";
import type { DisplaySurface, IceServer, SharePolicy, ShareState } from "./protocol";

/** What the key lookup returns (`FoundShare` in src/web/api_share.rs). */
export interface FoundShare {
  shareId: string;
  agentName: string;
  token: string;
  iceServers: IceServer[];
}

/** Every surface, when the welcome carries no list. */
const ALL_SURFACES: DisplaySurface[] = ["monitor", "window", "browser"];

const SURFACE_NAMES: Record<DisplaySurface, string> = {
  monitor: "a whole screen",
  window: "a window",
  browser: "a browser tab",
};

/** What the page shows; implemented by share/index.ts. */
export interface ShareView {
  state(state: ShareState | "idle" | "choosing", text: string): void;
  problem(text: string, canChooseAgain: boolean): void;
  sharing(): void;
  ended(): void;
}

/** Options `getDisplayMedia` accepts beyond the DOM typings (Chromium's `preferCurrentTab`). */
type DisplayOptions = DisplayMediaStreamOptions & { preferCurrentTab?: boolean };

/** One accepted (or about to be) screen share. */
export class CustomerShare {
  #found: FoundShare;
  #origin: string;
  #view: ShareView;
  #preferCurrentTab: boolean;
  #socket: DuetSocket;
  #peer: SharePeer | null = null;
  #stream: MediaStream | null = null;
  #allowed: DisplaySurface[] = ALL_SURFACES;
  #accepted = false;
  #ended = false;

  constructor(found: FoundShare, origin: string, view: ShareView, preferCurrentTab: boolean) {
    this.#found = found;
    this.#origin = origin;
    this.#view = view;
    this.#preferCurrentTab = preferCurrentTab;
    this.#socket = new DuetSocket(socketUrl(origin), found.token, {
      message: (msg) => this.#onMessage(msg),
      open: () => undefined,
      lost: () => undefined,
      closed: () => this.#finish("The screen share ended."),
    });
    this.#socket.start();
    window.addEventListener("pagehide", this.#onPageHide);
  }

  /** Accepts (once) and opens the browser's picker; call from the click itself. */
  accept(): void {
    if (this.#ended) return;
    if (!this.#accepted) this.#socket.send({ type: "share_accept" });
    this.#accepted = true;
    void this.#choose();
  }

  /** Declines or stops: ends the share for both sides. */
  stop(message: string): void {
    if (this.#ended) return;
    this.#socket.send({ type: "end" });
    const path = `/api/screenshare/${encodeURIComponent(this.#found.shareId)}/end`;
    callApi(this.#origin, path, { method: "POST", token: this.#found.token, keepalive: true })
      .finally(() => this.#finish(message))
      .catch(() => undefined);
  }

  #onPageHide = (): void => {
    if (this.#ended) return;
    const path = `/api/screenshare/${encodeURIComponent(this.#found.shareId)}/end`;
    navigator.sendBeacon(`${this.#origin}${path}?token=${encodeURIComponent(this.#found.token)}`);
  };

  async #choose(): Promise<void> {
    this.#view.state("choosing", "Choose what to share in your browser's window.");
    let stream: MediaStream;
    try {
      const options: DisplayOptions = { video: true, audio: false };
      if (this.#preferCurrentTab) options.preferCurrentTab = true;
      stream = await navigator.mediaDevices.getDisplayMedia(options);
    } catch (error) {
      const cancelled = error instanceof DOMException && error.name === "NotAllowedError";
      this.#view.problem(cancelled ? "Nothing is shared yet: you closed the picker. Choose again when you are ready." : `Your browser could not share the screen (${String(error)}).`, true);
      return;
    }
    if (this.#ended) {
      stopAll(stream);
      return;
    }
    const track = stream.getVideoTracks()[0];
    const surface = track?.getSettings().displaySurface as DisplaySurface | undefined;
    if (track === undefined || surface === undefined || !this.#allowed.includes(surface)) {
      stopAll(stream);
      const allowed = this.#allowed.map((s) => SURFACE_NAMES[s]).join(" or ");
      this.#view.problem(`Your agent's organisation does not allow sharing ${surface === undefined ? "that" : SURFACE_NAMES[surface]}. Choose again and pick ${allowed}.`, true);
      return;
    }
    await this.#send(stream, track);
  }

  async #send(stream: MediaStream, track: MediaStreamTrack): Promise<void> {
    this.#stream = stream;
    track.addEventListener("ended", () => this.stop("You stopped sharing your screen."));
    this.#peer = new SharePeer(this.#found.iceServers, (data) => this.#socket.send({ type: "signal", data }));
    this.#view.sharing();
    this.#view.state("accepted", `Connecting your screen to ${this.#found.agentName}…`);
    try {
      await this.#peer.offer(stream);
    } catch (error) {
      this.#view.problem(`Your screen could not be connected (${String(error)}). Choose again.`, true);
    }
  }

  #onMessage(msg: ServerMsg): void {
    switch (msg.type) {
      case "welcome": {
        const policy = msg.policy as SharePolicy;
        this.#allowed = policy.allowed_surfaces ?? ALL_SURFACES;
        break;
      }
      case "share_state":
        if (msg.state === "ended") this.#finish(msg.message);
        else if (msg.state === "live") this.#view.state("live", `Sharing your screen with ${this.#found.agentName}.`);
        break;
      case "signal":
        if (isSignalData(msg.data) && this.#peer !== null) void this.#peer.receive(msg.data).catch(() => undefined);
        break;
      case "error":
        this.#view.problem(msg.message, false);
        break;
      default:
        break;
    }
  }

  #finish(message: string): void {
    if (this.#ended) return;
    this.#ended = true;
    window.removeEventListener("pagehide", this.#onPageHide);
    this.#socket.stop();
    this.#peer?.close();
    if (this.#stream !== null) stopAll(this.#stream);
    this.#view.state("ended", message);
    this.#view.ended();
  }
}

function stopAll(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
