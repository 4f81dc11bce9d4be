// Screen sharing inside the agent's co-browse session: show my screen (a second agent who starts
// takes over), stop, ask the customer to show theirs and watch it. The co-browse goes on.

import type { ClientMsg, ServerMsg } from "../protocol";
import { pickSurface, stopTracks } from "../share/display";
import { ScreenMesh } from "../share/mesh";
import { ShareMenuUi } from "./sharemenu";

/** The share menu's behaviour for one joined session. */
export class CobrowseShare {
  #send: (msg: ClientMsg) => void;
  #ui: ShareMenuUi;
  #mesh: ScreenMesh;
  #stream: MediaStream | null = null;
  #picking = false;

  constructor(stage: HTMLElement, send: (msg: ClientMsg) => void) {
    this.#send = send;
    this.#ui = new ShareMenuUi(stage);
    this.#mesh = new ScreenMesh("agent", (data) => send({ type: "signal", data }), {
      stream: (stream) => this.#ui.show(stream),
    });
    this.#ui.start.onclick = () => void this.#start();
    this.#ui.stop.onclick = () => this.stop();
    this.#ui.request.onclick = () => {
      this.#ui.message("");
      this.#ui.state("Asked the customer to show their screen…");
      send({ type: "share_request" });
    };
    this.#ui.sharing(false);
    this.#ui.message("");
    this.#ui.state("");
  }

  /** Fills the bookmarks with the agent's sign-in. */
  loadBookmarks(origin: string, agentToken: string): void {
    void this.#ui.loadBookmarks(origin, agentToken);
  }

  /** The session's state: the menu is there while it is active. */
  active(active: boolean): void {
    this.#ui.open(active);
  }

  /** Handles the frames about sharing; ignores the rest. */
  onMessage(msg: ServerMsg): void {
    switch (msg.type) {
      case "welcome":
        this.#mesh.setIceServers(msg.ice_servers);
        this.#mesh.watch();
        break;
      case "screen_shown":
        this.#onShown(msg.sharer, msg.name);
        break;
      case "share_taken_over":
        this.#release();
        this.#ui.message(msg.message);
        break;
      case "signal":
        this.#mesh.receive(msg.data);
        break;
      default:
        break;
    }
  }

  /** Stops showing this agent's screen; the co-browse goes on. */
  stop(): void {
    if (this.#stream === null) return;
    this.#release();
    this.#send({ type: "share_stop" });
  }

  /** The session ended: everything stops. */
  end(): void {
    this.#release();
    this.#mesh.close();
    this.#ui.show(null);
    this.#ui.open(false);
  }

  async #start(): Promise<void> {
    if (this.#picking || this.#stream !== null) return;
    this.#picking = true;
    this.#ui.message("");
    const picked = await pickSurface();
    this.#picking = false;
    if ("problem" in picked) {
      this.#ui.message(picked.problem);
      return;
    }
    this.#stream = picked.stream;
    picked.track.addEventListener("ended", () => this.stop());
    this.#send({ type: "share_start" });
    this.#mesh.share(picked.stream);
    this.#ui.sharing(true);
  }

  #onShown(sharer: Extract<ServerMsg, { type: "screen_shown" }>["sharer"], name: string | null): void {
    if (sharer !== "customer") {
      this.#mesh.stopWatching();
      this.#ui.show(null);
    }
    if (sharer === null) this.#ui.state("");
    else if (sharer === "customer") this.#ui.state("The customer is showing their screen.");
    else this.#ui.state(this.#stream !== null ? "You are showing your screen to the customer." : `${name ?? "An agent"} is showing their screen.`);
  }

  /** Stops this agent's tracks and connections without telling the server. */
  #release(): void {
    this.#mesh.stopSharing();
    if (this.#stream !== null) stopTracks(this.#stream);
    this.#stream = null;
    this.#ui.sharing(false);
  }
}
