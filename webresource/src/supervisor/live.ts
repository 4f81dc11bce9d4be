// Live watching: up to four of the tenant's live sessions side by side, read-only. Each tile
// asks Duet to let the supervisor watch (recorded as `session.watched`; the customer's widget
// then names them), opens the session's socket with the token it gets, and shows the page in its
// own sandboxed mirror with the customer's pointer. Nothing is ever sent but pings. When the
// tenant's policy wants the customer's consent, the tile says it waits until they answer. "Step
// in" swaps the tile's mirror for the agent's console, which asks the customer to let the
// supervisor join as an agent.

import { byTestId, element } from "../dom";
import { AGENT_STORAGE_KEY } from "../console/agent";
import { DomInflater } from "../console/dominflate";
import { Mirror } from "../console/mirror";
import { DuetSocket, socketUrl } from "../socket";
import type { StaffPage } from "../staff/page";

/** The most sessions watched at once. */
export const MAX_WATCHED = 4;

/** The grid of live tiles. */
export class LiveGrid {
  #page: StaffPage;
  #grid = byTestId("supervisor-live");
  #tiles = new Map<string, LiveTile>();

  constructor(page: StaffPage) {
    this.#page = page;
  }

  /** Starts watching session `id` (nothing new when it is already watched). */
  async watch(id: string): Promise<void> {
    if (this.#tiles.has(id)) return;
    if (this.#tiles.size >= MAX_WATCHED) {
      this.#page.say(`You watch ${MAX_WATCHED} sessions at most: close one first.`);
      return;
    }
    const watching = await this.#page.call<{ sessionId: string; token: string; admitted: boolean }>(
      `/api/supervisor/sessions/${encodeURIComponent(id)}/watch`,
      { method: "POST", body: {} },
    );
    const tile = new LiveTile(this.#page, watching, () => this.#tiles.delete(id));
    this.#tiles.set(id, tile);
    this.#grid.append(tile.root);
    const section = document.getElementById("live");
    if (section !== null) section.hidden = false;
    tile.start();
  }
}

/** One watched session. */
class LiveTile {
  readonly root: HTMLElement;
  #socket: DuetSocket;
  #mirror: Mirror;
  #dom = new DomInflater();
  #status: HTMLElement;

  constructor(page: StaffPage, watching: { sessionId: string; token: string; admitted: boolean }, closed: () => void) {
    const id = watching.sessionId;
    const stage = element("div", { class: "live-stage" });
    const waiting = "Asking the customer to let you watch…";
    this.#status = element("span", { class: "note", role: "status", "data-testid": "live-status" }, [
      watching.admitted ? "Connecting…" : waiting,
    ]);
    const close = element("button", { type: "button", class: "quiet", "data-testid": "live-close" }, ["Stop watching"]);
    const stepIn = element("button", { type: "button", class: "quiet", "data-testid": "supervisor-step-in" }, ["Step in"]);
    const zoom = element("span", { "data-testid": "mirror-view", hidden: "" }, [
      element("button", { type: "button", class: "quiet", "data-testid": "mirror-zoom" }, ["100 %"]),
      element("small", { "data-testid": "mirror-viewport", class: "note" }),
    ]);
    this.root = element("div", { class: "live-tile", "data-testid": "live-tile", "data-session": id, "data-mirror-scope": "" }, [
      element("div", { class: "row" }, [element("strong", {}, [`Session ${id}`]), this.#status, zoom, stepIn, close]),
      stage,
    ]);
    this.#mirror = new Mirror(stage, () => undefined, () => undefined);
    this.#socket = new DuetSocket(socketUrl(page.origin), watching.token, {
      message: (msg) => {
        if (msg.type === "welcome" && msg.page_assets !== undefined) this.#mirror.assets = `${page.origin}${msg.page_assets}`;
        else if (msg.type === "consent") this.#status.textContent = msg.state === "waiting" ? waiting : msg.message;
        else if (msg.type === "state") this.#status.textContent = msg.state === "ended" ? "The session ended." : msg.message;
        else if (msg.type === "pointer" && msg.from === "customer") this.#mirror.showCustomerPointer(msg.x, msg.y);
        else if (msg.type === "dom") this.#mirror.apply(msg.full, msg.events);
      },
      binary: (bytes) => {
        const batch = this.#dom.read(bytes);
        if (batch !== null) this.#mirror.apply(batch.full, batch.events);
      },
      open: () => this.#dom.restart(),
      lost: () => undefined,
      closed: () => {
        this.#status.textContent = "The session ended.";
        this.#mirror.freeze();
      },
    });
    close.addEventListener("click", () => {
      this.#socket.stop();
      this.root.remove();
      closed();
    });
    stepIn.addEventListener("click", () => {
      this.#socket.stop();
      stepIn.remove();
      close.textContent = "Close";
      stage.replaceChildren(stepInConsole(page, id));
      this.#status.textContent = "Stepping in: the customer is asked first.";
    });
  }

  /** Connects. */
  start(): void {
    this.#socket.start();
  }
}

/** The agent's console for session `id`, signed in as this supervisor, which asks the customer
 * to let them step in (`#stepin=`) and then works as any agent's console does. */
function stepInConsole(page: StaffPage, id: string): HTMLIFrameElement {
  // The framed console is this tab on this origin: it reads the same sessionStorage.
  sessionStorage.setItem(AGENT_STORAGE_KEY, JSON.stringify({ token: page.user.token, name: page.user.name }));
  return element("iframe", {
    class: "live-console",
    title: `Agent console for session ${id}`,
    "data-testid": "supervisor-console",
    src: `${page.origin}/console#stepin=${id}`,
  });
}
