// The customer's side of one screen share: accept, choose a surface the tenant allows, offer
// it over WebRTC, stop (from the page or from the browser's own "Stop sharing").

import { callApi } from "../api";
import type { ServerMsg } from "../protocol";
import { DuetSocket, socketUrl } from "../socket";
import { ALL_SURFACES, pickSurface, prefersCurrentTab, stopTracks } from "./display";
import { SharePeer, isSignalData } from "./peer";
import type { DisplaySurface, IceServer, ShareState } from "./protocol";

/** What the key lookup returns (`FoundShare` in src/web/api/share.rs). */
export interface FoundShare {
  shareId: string;
  agentName: string;
  token: string;
  iceServers: IceServer[];
}

/** What the page shows; implemented by share/index.ts. */
export interface ShareView {
  state(state: ShareState | "idle" | "choosing", text: string): void;
  problem(text: string, canChooseAgain: boolean): void;
  sharing(): void;
  ended(): void;
}

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
    const picked = await pickSurface(this.#allowed, this.#preferCurrentTab || prefersCurrentTab());
    if ("problem" in picked) {
      this.#view.problem(picked.problem, true);
      return;
    }
    if (this.#ended) {
      stopTracks(picked.stream);
      return;
    }
    await this.#send(picked.stream, picked.track);
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
      case "welcome":
        this.#allowed = msg.policy.allowed_surfaces;
        break;
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
    if (this.#stream !== null) stopTracks(this.#stream);
    this.#view.state("ended", message);
    this.#view.ended();
  }
}
