// The agent's screen share: start a request, read the key out, watch the customer's screen over
// WebRTC, report the first decoded frame, stop. One request at a time; a new one after it ends.

import { ApiError, callApi } from "../api";
import { byTestId } from "../dom";
import type { ServerMsg } from "../protocol";
import type { IceServer, ShareState } from "../share/protocol";
import { SharePeer, isSignalData } from "../share/peer";
import { DuetSocket, socketUrl } from "../socket";
import type { Agent } from "./agent";
import type { ParentBridge } from "./bridge";
import type { ConsoleConfig } from "./config";
import type { ConsoleUi } from "./ui";
import { endEverywhere } from "./ending";

/** How often the key's countdown is redrawn. */
const COUNTDOWN_TICK_MS = 1_000;

/** What the start call returns (`StartedShare` in src/web/api/share.rs). */
interface StartedShare {
  shareId: string;
  key: string;
  expiresInSecs: number;
  token: string;
  endBeaconUrl: string;
  iceServers: IceServer[];
}

/** The screen-share panel's elements (templates/console.html). */
class ShareUi {
  readonly start = byTestId<HTMLButtonElement>("agent-screenshare-start");
  readonly stop = byTestId<HTMLButtonElement>("agent-screenshare-stop");
  readonly keyBox = byTestId("agent-screenshare-keybox");
  readonly key = byTestId("agent-screenshare-key");
  readonly countdown = byTestId("agent-screenshare-countdown");
  readonly video = byTestId<HTMLVideoElement>("agent-screenshare-video");
}

/** The panel; `refused` hears about a sign-in the server no longer accepts. */
export class ScreenSharePanel {
  #config: ConsoleConfig;
  #ui: ConsoleUi;
  #agent: Agent;
  #bridge: ParentBridge;
  #refused: () => void;
  #share = new ShareUi();
  #current: AgentShare | null = null;

  constructor(config: ConsoleConfig, ui: ConsoleUi, agent: Agent, bridge: ParentBridge, refused: () => void) {
    this.#config = config;
    this.#ui = ui;
    this.#agent = agent;
    this.#bridge = bridge;
    this.#refused = refused;
    this.#share.start.addEventListener("click", () => void this.#start());
    this.#share.stop.addEventListener("click", () => this.#current?.stop());
    // The header's co-browse End button would repeat Stop here.
    ui.end.hidden = true;
  }

  /** Shows the panel, ready to start. */
  open(): void {
    this.#ui.show("screenshare");
    this.#ui.status("idle", "No screen share yet. Start one and read the key to the customer.");
    this.#share.start.disabled = false;
  }

  async #start(): Promise<void> {
    this.#share.start.disabled = true;
    this.#ui.message("");
    try {
      const body = { conversationId: this.#config.conversation === "" ? null : this.#config.conversation };
      const started = await callApi<StartedShare>(this.#config.origin, "/api/agent/screenshare", { body, token: this.#agent.token });
      this.#current = new AgentShare(started, this.#config.origin, this.#ui, this.#share, this.#bridge, () => this.#ended());
      this.#current.start();
    } catch (error) {
      this.#share.start.disabled = false;
      const refusal = error instanceof ApiError ? error : new ApiError(0, String(error));
      this.#ui.message(refusal.message);
      if (refusal.status === 401) this.#refused();
    }
  }

  #ended(): void {
    this.#current = null;
    this.#share.start.disabled = false;
    this.#share.start.textContent = "Start a new screen share";
  }
}

/** One share request, from key to end. */
class AgentShare {
  #started: StartedShare;
  #origin: string;
  #ui: ConsoleUi;
  #share: ShareUi;
  #bridge: ParentBridge;
  #onEnded: () => void;
  #socket: DuetSocket;
  #peer: SharePeer;
  #deadline: number;
  #countdown: ReturnType<typeof setInterval> | null = null;
  #firstFrame = false;
  #ended = false;

  constructor(started: StartedShare, origin: string, ui: ConsoleUi, share: ShareUi, bridge: ParentBridge, onEnded: () => void) {
    this.#started = started;
    this.#origin = origin;
    this.#ui = ui;
    this.#share = share;
    this.#bridge = bridge;
    this.#onEnded = onEnded;
    this.#deadline = Date.now() + started.expiresInSecs * 1_000;
    this.#socket = new DuetSocket(socketUrl(origin), started.token, {
      message: (msg) => this.#onMessage(msg),
      open: () => undefined,
      lost: () => undefined,
      closed: () => this.#finish("The screen share ended."),
    });
    this.#peer = new SharePeer(started.iceServers, (data) => this.#socket.send({ type: "signal", data }));
    this.#peer.connection.addEventListener("track", (event) => this.#show(event.streams[0] ?? new MediaStream([event.track])));
  }

  /** Connects, shows the key and its countdown, and arms the app tab's end beacon. */
  start(): void {
    this.#bridge.endBeacon(this.#started.endBeaconUrl);
    window.addEventListener("pagehide", this.#onPageHide);
    this.#share.key.textContent = this.#started.key;
    this.#share.keyBox.hidden = false;
    this.#share.stop.hidden = false;
    this.#tick();
    this.#countdown = setInterval(() => this.#tick(), COUNTDOWN_TICK_MS);
    this.#ui.status("idle", "Waiting for the customer to enter the key and accept.");
    this.#socket.start();
  }

  /** Ends the share for both sides. */
  stop(): void {
    if (this.#ended) return;
    const path = `/api/screenshare/${encodeURIComponent(this.#started.shareId)}/end`;
    endEverywhere(this.#socket, this.#origin, path, this.#started.token)
      .then(() => this.#finish("You ended the screen share."))
      .catch(() => undefined);
  }

  #onPageHide = (): void => {
    if (!this.#ended) navigator.sendBeacon(this.#started.endBeaconUrl);
  };

  #tick(): void {
    const left = Math.max(0, Math.ceil((this.#deadline - Date.now()) / 1_000));
    this.#share.countdown.textContent = `(expires in ${left} s)`;
  }

  #onMessage(msg: ServerMsg): void {
    switch (msg.type) {
      case "share_state":
        this.#onState(msg.state, msg.message);
        break;
      case "signal":
        if (isSignalData(msg.data)) {
          this.#peer.receive(msg.data).catch((error: unknown) => this.#ui.message(`The customer's screen could not be connected: ${String(error)}`));
        }
        break;
      case "error":
        this.#ui.message(msg.message);
        break;
      default:
        break;
    }
  }

  #onState(state: ShareState, message: string): void {
    if (state === "ended") {
      this.#finish(message);
      return;
    }
    if (state !== "pending") this.#stopCountdown();
    this.#ui.status(state === "live" ? "active" : "idle", message);
  }

  #show(stream: MediaStream): void {
    const video = this.#share.video;
    video.srcObject = stream;
    video.hidden = false;
    video.requestVideoFrameCallback(() => this.#onFirstFrame());
    void video.play().catch(() => undefined);
  }

  #onFirstFrame(): void {
    if (this.#firstFrame || this.#ended) return;
    this.#firstFrame = true;
    this.#socket.send({ type: "share_connected" });
    this.#bridge.connected();
  }

  #stopCountdown(): void {
    if (this.#countdown !== null) clearInterval(this.#countdown);
    this.#countdown = null;
    this.#share.keyBox.hidden = true;
  }

  #finish(message: string): void {
    if (this.#ended) return;
    this.#ended = true;
    window.removeEventListener("pagehide", this.#onPageHide);
    this.#stopCountdown();
    this.#socket.stop();
    this.#peer.close();
    this.#share.video.srcObject = null;
    this.#share.video.hidden = true;
    this.#share.stop.hidden = true;
    this.#ui.status("ended", message);
    this.#bridge.ended();
    this.#onEnded();
  }
}
