// The agent's side of one joined session: socket, state, mirror, pointer, end.

import type { ServerMsg } from "../protocol";
import { CLOSE_NOT_ALLOWED, CLOSE_UNAUTHORIZED } from "../protocol";
import { DuetSocket, socketUrl } from "../socket";
import type { ParentBridge } from "./bridge";
import { CobrowseShare } from "./cobrowseshare";
import { AgentControl } from "./control";
import { DomInflater } from "./dominflate";
import { endEverywhere } from "./ending";
import { Mirror } from "./mirror";
import { AgentTools } from "./tools";
import type { ConsoleUi } from "./ui";

/** What the join call returns. */
export interface Joined {
  sessionId: string;
  token: string;
  endBeaconUrl: string;
  /** False when another agent holds the session and the customer has been asked. */
  admitted: boolean;
  /** This agent's handle in the session (`state.control_holder` names the agent in control). */
  handle: string;
}

/** One session the agent is in. */
export class LiveSession {
  #origin: string;
  #joined: Joined;
  #ui: ConsoleUi;
  #bridge: ParentBridge;
  #onEnded: () => void;
  #socket: DuetSocket;
  #mirror: Mirror;
  #dom = new DomInflater();
  #control: AgentControl;
  #share: CobrowseShare;
  #tools: AgentTools;
  #ended = false;
  /** Waiting for the customer's consent: nothing of the page arrives, nothing is "connected". */
  #waiting: boolean;

  constructor(origin: string, joined: Joined, ui: ConsoleUi, bridge: ParentBridge, onEnded: () => void, agentToken = "") {
    this.#origin = origin;
    this.#joined = joined;
    this.#ui = ui;
    this.#bridge = bridge;
    this.#onEnded = onEnded;
    this.#waiting = !joined.admitted;
    ui.stage.replaceChildren();
    this.#mirror = new Mirror(
      ui.stage,
      (x, y, laser) => this.#socket.sendPointer(x, y, laser),
      (action) => {
        if (this.#control.write) this.#socket.send({ type: "action", action });
      },
    );
    this.#tools = new AgentTools(this.#mirror, (annotation) => this.#socket.send({ type: "annotate", annotation }));
    this.#control = new AgentControl(ui, (msg) => this.#socket.send(msg));
    this.#share = new CobrowseShare(ui.stage, (msg) => this.#socket.send(msg));
    if (agentToken !== "") this.#share.loadBookmarks(origin, agentToken);
    this.#socket = new DuetSocket(socketUrl(origin), joined.token, {
      message: (msg) => this.#onMessage(msg),
      binary: (bytes) => this.#onDomFrame(bytes),
      // Duet sends a reconnected console a full frame first.
      open: () => this.#dom.restart(),
      lost: () => undefined,
      closed: (code) => this.#finish(closedText(code)),
    });
  }

  /** Connects and tells the app tab how to end the session if it closes. */
  start(): void {
    this.#bridge.endBeacon(this.#joined.endBeaconUrl);
    this.#ui.status("idle", `Connecting to session ${this.#joined.sessionId}…`);
    this.#ui.end.onclick = () => this.end();
    window.addEventListener("pagehide", this.#onPageHide);
    this.#socket.start();
  }

  /** Ends the session for everyone. */
  end(): void {
    if (this.#ended) return;
    const path = `/api/sessions/${encodeURIComponent(this.#joined.sessionId)}/end`;
    endEverywhere(this.#socket, this.#origin, path, this.#joined.token)
      .then(() => this.#finish("You ended the session."))
      .catch(() => undefined);
  }

  #onPageHide = (): void => {
    if (!this.#ended) navigator.sendBeacon(this.#joined.endBeaconUrl);
  };

  #onMessage(msg: ServerMsg): void {
    this.#share.onMessage(msg);
    switch (msg.type) {
      case "welcome":
        if (msg.page_assets !== undefined) this.#mirror.assets = `${this.#origin}${msg.page_assets}`;
        break;
      case "consent":
        if (msg.state !== "denied") this.#ui.status(msg.state === "waiting" ? "idle" : "active", msg.message);
        break;
      case "state":
        // Whether this agent still waits is the state's word, not a notice's: the customer may
        // have allowed them before this socket connected.
        this.#waiting = msg.join_requests.some((request) => request.agent === this.#joined.handle);
        if (msg.state === "ended") {
          this.#finish(msg.message);
        } else if (this.#waiting) {
          this.#ui.status("idle", WAITING_TEXT);
        } else {
          this.#share.active(msg.state === "active");
          this.#ui.customerTabs(msg.customer_tabs);
          this.#ui.status(msg.state, msg.state === "active" ? `Connected to session ${this.#joined.sessionId}. ${msg.message}` : msg.message);
          if (msg.state === "active" && msg.agents > 0) this.#bridge.connected();
          // Write mode, and a request waiting, are this agent's only when they name this agent.
          const handle = this.#joined.handle;
          const mine = msg.control === "write" && msg.control_holder === handle ? "write" : "pointer";
          const asking = msg.control_pending && msg.control_asker === handle;
          const write = this.#control.onState(msg.state === "active", mine, asking, msg.control_outcome) === "write";
          this.#mirror.setWrite(write);
          this.#tools.show(msg.state === "active" && !write);
        }
        break;
      case "dom":
        this.#mirror.apply(msg.full, msg.events);
        break;
      case "tab_switched":
        this.#ui.tabSwitched(msg.tabs, msg.message);
        break;
      case "pointer":
        if (msg.from === "customer") this.#mirror.showCustomerPointer(msg.x, msg.y);
        break;
      case "error":
        this.#ui.message(msg.message);
        break;
      default:
        break;
    }
  }

  #onDomFrame(bytes: Uint8Array): void {
    const batch = this.#dom.read(bytes);
    if (batch !== null) this.#mirror.apply(batch.full, batch.events);
  }

  #finish(message: string): void {
    if (this.#ended) return;
    this.#ended = true;
    window.removeEventListener("pagehide", this.#onPageHide);
    this.#socket.stop();
    this.#control.end();
    this.#share.end();
    this.#mirror.freeze();
    this.#tools.show(false);
    this.#ui.status("ended", message);
    this.#bridge.ended();
    this.#onEnded();
  }
}

/** What a waiting agent reads. */
const WAITING_TEXT = "Another agent is with this customer. They have been asked to let you join; you will see the page once they allow it.";

/** Why the socket closed for good, for the agent. */
function closedText(code: number): string {
  if (code === CLOSE_UNAUTHORIZED) return "Your access to this session was refused. Join again with the code.";
  if (code === CLOSE_NOT_ALLOWED) return "The customer did not let you join this session.";
  return "The session ended.";
}
