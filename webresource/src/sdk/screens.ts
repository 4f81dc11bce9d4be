// Screen sharing inside the customer's co-browse session: watch an agent's screen, and show
// the customer's own when an agent asks (no key needed inside a session). Co-browse goes on.

import { natives } from "../natives";
import type { ClientMsg, Role, ServerMsg } from "../protocol";
import { ALL_SURFACES, pickSurface, stopTracks } from "../share/display";
import { ScreenMesh } from "../share/mesh";
import type { DisplaySurface } from "../share/protocol";
import { ScreenPanel } from "./screenpanel";
import type { Widget } from "./widget";

/** The customer's side of in-session screen sharing. */
export class CustomerScreens {
  #send: (msg: ClientMsg) => void;
  #widget: Widget;
  #panel: ScreenPanel;
  #mesh: ScreenMesh;
  #allowed: DisplaySurface[] = ALL_SURFACES;
  #stream: MediaStream | null = null;
  #picking = false;

  constructor(widget: Widget, send: (msg: ClientMsg) => void) {
    this.#send = send;
    this.#widget = widget;
    this.#mesh = new ScreenMesh("customer", (data) => send({ type: "signal", data }), {
      stream: (stream) => this.#panel.play(stream),
    });
    this.#panel = new ScreenPanel({
      accept: () => void this.#accept(),
      deny: () => this.#panel.hideRequest(),
      stop: () => this.stop(),
      close: () => {
        this.#mesh.stopWatching();
        this.#panel.hideAgent();
      },
    });
    widget.addControls(this.#panel.controls);
    this.#panel.mount();
  }

  /** Handles the frames about sharing; ignores the rest. */
  onMessage(msg: ServerMsg): void {
    switch (msg.type) {
      case "welcome":
        this.#mesh.setIceServers(msg.ice_servers);
        this.#allowed = msg.policy.allowed_surfaces;
        this.#mesh.watch();
        break;
      case "screen_shown":
        this.#onShown(msg.sharer, msg.name);
        break;
      case "share_requested":
        this.#panel.ask(msg.agent_name);
        break;
      case "signal":
        this.#mesh.receive(msg.data);
        break;
      default:
        break;
    }
  }

  /** Stops showing the customer's screen; the co-browse goes on. */
  stop(): void {
    if (this.#stream === null) return;
    this.#release();
    this.#send({ type: "share_stop" });
  }

  /** The session ended: nothing is shown or watched any more. */
  end(): void {
    this.#release();
    this.#mesh.close();
    this.#panel.unmount();
  }

  async #accept(): Promise<void> {
    this.#panel.hideRequest();
    if (this.#picking || this.#stream !== null) return;
    this.#picking = true;
    const picked = await pickSurface(this.#allowed);
    this.#picking = false;
    if ("problem" in picked) {
      this.#widget.showProblem(picked.problem);
      return;
    }
    this.#stream = picked.stream;
    natives().listen(picked.track, "ended", () => this.stop());
    this.#send({ type: "share_start" });
    this.#mesh.share(picked.stream);
    this.#panel.sharing(true);
  }

  #onShown(sharer: Role | null, name: string | null): void {
    if (sharer !== "customer") this.#release();
    if (sharer === "agent") {
      this.#panel.showAgent(name ?? "The agent");
    } else {
      this.#mesh.stopWatching();
      this.#panel.hideAgent();
    }
  }

  /** Stops the customer's tracks and connections without telling the server. */
  #release(): void {
    this.#mesh.stopSharing();
    if (this.#stream !== null) stopTracks(this.#stream);
    this.#stream = null;
    this.#panel.sharing(false);
  }
}
