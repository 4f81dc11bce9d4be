// One customer co-browse session in one tab: start or resume (on the site's next page, a
// reload or another tab), the socket, recording while this tab is in front, pointer, exit.

import { callApi } from "../api";
import { LatestPerFrame } from "../frame";
import { natives } from "../natives";
import type { ControlMode, Policy, ServerMsg } from "../protocol";
import { CLOSE_UNAUTHORIZED } from "../protocol";
import { DuetSocket, socketUrl } from "../socket";
import { Annotations } from "./annotations";
import { CustomerControl } from "./control";
import { DomDeflater } from "./domdeflate";
import { JoinPrompt } from "./joinprompt";
import { Masking } from "./masking";
import { AssetSender } from "./assets";
import { askDuet } from "./frameparent";
import { type Batch, Recorder } from "./recorder";
import { CustomerScreens } from "./screens";
import { REFRESH_MS, type Stored, clearStored, loadStored, saveStored } from "./stored";
import type { Widget } from "./widget";

/** What a new session is started with: the conversation, and the tenant the script tag names. */
export interface StartFields {
  conversationId: string | null;
  tenant: string | null;
  /** The key this tab put into the chat's context, if it did. */
  pairingKey: string | null;
}

interface Started {
  sessionId: string;
  token: string;
  policy: Policy;
}

/** A running customer session. */
export class CustomerSession {
  #origin: string;
  /** The script tag's `data-tenant`, for the questions this page asks Duet. */
  #tenant: string | null;
  #widget: Widget;
  #stored: Stored;
  #socket: DuetSocket;
  #recorder: Recorder | null = null;
  #assets: AssetSender | null = null;
  #dom = new DomDeflater();
  #control: CustomerControl;
  #annotations = new Annotations();
  #screens: CustomerScreens;
  #joins: JoinPrompt;
  #ended = false;
  /** Another tab of the customer's is in front: this one records and sends nothing. */
  #standby = false;
  #refresh: number | null = null;
  /** The largest frame Duet accepts (from `welcome`); a larger page cannot be shared. */
  #maxFrameBytes = Number.POSITIVE_INFINITY;
  #pointer = new LatestPerFrame<{ x: number; y: number }>((p) => this.#socket.sendPointer(p.x, p.y));
  #onMove = (event: MouseEvent): void => {
    if (!this.#standby) this.#pointer.push({ x: event.clientX, y: event.clientY });
  };
  /** This tab is what the customer looks at now: Duet shows it to agents (a no-op when it is). */
  #onFront = (): void => {
    if (document.visibilityState === "visible") this.#socket.send({ type: "front" });
  };
  /** A click in a tab that stands by (two windows side by side) brings it to the front too. */
  #onPointerDown = (): void => {
    if (this.#standby) this.#onFront();
  };

  private constructor(origin: string, widget: Widget, stored: Stored, tenant: string | null) {
    this.#origin = origin;
    this.#tenant = tenant;
    this.#widget = widget;
    this.#stored = stored;
    this.#socket = new DuetSocket(socketUrl(origin), stored.token, {
      message: (msg) => this.#onMessage(msg),
      // After a reconnect the welcome asks for a full snapshot; until it goes out, partial
      // batches are not sent (the agent's inflater could not read them).
      open: (again) => {
        if (again) this.#dom.restart();
        this.#onFront();
      },
      lost: () => this.#resync(),
      closed: (code) => this.#onClosed(code),
    });
    this.#control = new CustomerControl(widget, (msg) => this.#socket.send(msg));
    this.#screens = new CustomerScreens(widget, (msg) => this.#socket.send(msg));
    this.#joins = new JoinPrompt((agent, approved) => this.#socket.send({ type: "join_answer", agent, approved }));
    widget.addControls(this.#joins.root);
    widget.addControls(this.#annotations.toggle);
  }

  /** Asks Duet for a new session and connects it. */
  static async start(origin: string, widget: Widget, start: StartFields): Promise<CustomerSession> {
    const body: Record<string, string> = {};
    if (start.conversationId !== null) body["conversationId"] = start.conversationId;
    if (start.tenant !== null) body["tenant"] = start.tenant;
    if (start.pairingKey !== null) body["pairingKey"] = start.pairingKey;
    const started = await callApi<Started>(origin, "/api/sessions", { body });
    const stored = { sessionId: started.sessionId, token: started.token };
    saveStored(stored);
    return new CustomerSession(origin, widget, stored, start.tenant).#run();
  }

  /** Resumes the session the site's other page or tab kept, if any (`stored`, else the kept one). */
  static resume(origin: string, widget: Widget, tenant: string | null, stored: Stored | null = loadStored()): CustomerSession | null {
    return stored === null ? null : new CustomerSession(origin, widget, stored, tenant).#run();
  }

  /** Whether it is over here (ended, or refused). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The nine-digit id the customer reads out. */
  get sessionId(): string {
    return this.#stored.sessionId;
  }

  /** Ends the session for everyone. */
  exit(): void {
    if (this.#ended) return;
    this.#socket.send({ type: "end" });
    const path = `/api/sessions/${encodeURIComponent(this.sessionId)}/end`;
    callApi(this.#origin, path, { method: "POST", token: this.#stored.token, keepalive: true }).catch(() => undefined);
    this.#finish("You ended the session. The agent no longer sees this page.");
  }

  #run(): CustomerSession {
    this.#widget.showSession(this.sessionId);
    this.#widget.showStatus("idle", "Connecting…");
    natives().listen(document, "visibilitychange", this.#onFront);
    natives().listen(window, "focus", this.#onFront);
    natives().listen(window, "pointerdown", this.#onPointerDown, { capture: true, passive: true });
    this.#refresh = natives().setInterval(() => saveStored(this.#stored), REFRESH_MS);
    saveStored(this.#stored);
    this.#socket.start();
    return this;
  }

  #onMessage(msg: ServerMsg): void {
    this.#screens.onMessage(msg);
    switch (msg.type) {
      case "welcome":
        this.#maxFrameBytes = msg.max_message_bytes;
        this.#onWelcome(msg.policy);
        break;
      case "state":
        if (msg.state === "ended") return this.#finish(msg.message);
        if (!this.#standby) this.#widget.showStatus(msg.state, stateText(msg.state, msg.viewers, msg.control, msg.watchers));
        this.#control.onState(msg.control, msg.control_pending, msg.control_holder);
        this.#joins.show(msg.join_requests);
        break;
      case "control_requested":
        this.#control.onRequested(msg.agent_name, msg.expires_in_ms);
        break;
      case "action":
        this.#control.onAction(msg.action, msg.from);
        break;
      case "annotate":
        this.#annotations.show(msg.from, msg.annotation);
        break;
      case "standby":
        this.#toBack(msg.message);
        break;
      case "snapshot_needed":
        // Duet asks when an agent starts watching, or when this page (re)connects or comes to
        // the front while one watches: recording starts here, so nothing of the page leaves
        // before anyone looks.
        this.#standby = false;
        this.#dom.restart();
        this.#recorder?.snapshot();
        break;
      case "pointer":
        if (msg.from !== "agent") break;
        this.#widget.movePointer(msg.x, msg.y);
        // An agent's laser frame (pointerframe.ts) also leaves a trail.
        if ("laser" in msg) this.#annotations.laser(msg.x, msg.y);
        break;
      case "error":
        this.#widget.showProblem(msg.message);
        break;
      default:
        break;
    }
  }

  // Nothing is recorded before the policy is known (masking fails closed), and nothing before an
  // agent watches: the recorder starts on the first `snapshot_needed`.
  #onWelcome(policy: Policy): void {
    if (this.#recorder !== null) return;
    let masking: Masking;
    try {
      masking = new Masking(policy);
    } catch (error) {
      this.#widget.showProblem((error as Error).message);
      return;
    }
    this.#widget.showHidden(masking.hiddenFields());
    this.#widget.showRecorded(policy.record_sessions);
    masking.watchHidden(() => this.#widget.showHidden(masking.hiddenFields()));
    this.#control.usePolicy(policy, masking);
    this.#assets = new AssetSender(this.#origin, this.sessionId, this.#stored.token);
    const vouch = askDuet(this.#origin, this.#tenant);
    this.#recorder = new Recorder(masking, (batch) => this.#sendDom(batch), vouch, this.#assets);
    natives().listen(window, "mousemove", this.#onMove, { passive: true });
    this.#widget.showStatus("idle", stateText("idle", []));
  }

  // Another tab is in front: stop recording this one (it starts afresh if it comes back).
  #toBack(message: string): void {
    this.#standby = true;
    this.#recorder?.stop();
    this.#dom.restart();
    this.#annotations.clear();
    this.#widget.showStatus("active", message);
  }

  // A dropped frame leaves the deflate stream ahead of what agents saw: start it again, in full.
  // The restart comes first: the snapshot may flush partial batches synchronously.
  #resync(): void {
    this.#dom.restart();
    this.#recorder?.snapshot();
  }

  // A false return means frames were dropped; `lost` already restarted the stream.
  #sendDom(batch: Batch): void {
    const frame = this.#dom.frame(batch);
    if (frame === null) return;
    if (frame.byteLength > this.#maxFrameBytes) return this.#tooLarge();
    this.#socket.sendBinary(frame);
  }

  // Sending it would only get the socket closed, and every reconnect would snapshot again:
  // stop recording and say so, rather than freeze the page in a loop.
  #tooLarge(): void {
    this.#recorder?.stop();
    this.#widget.showProblem("This page is too large to share with the agent. Your agent can still see your pointer; try a simpler page.");
  }

  #onClosed(code: number): void {
    if (code === CLOSE_UNAUTHORIZED) this.#finish("This session is no longer valid. Start a new one if you still need help.");
    else this.#finish("The session ended.");
  }

  #finish(message: string): void {
    if (this.#ended) return;
    this.#ended = true;
    natives().unlisten(window, "mousemove", this.#onMove);
    natives().unlisten(document, "visibilitychange", this.#onFront);
    natives().unlisten(window, "focus", this.#onFront);
    natives().unlisten(window, "pointerdown", this.#onPointerDown, { capture: true });
    if (this.#refresh !== null) natives().clearInterval(this.#refresh);
    this.#recorder?.stop();
    this.#recorder = null;
    this.#assets?.stop();
    this.#control.end();
    this.#annotations.end();
    this.#joins.unmount();
    this.#screens.end();
    this.#socket.stop();
    clearStored(this.sessionId);
    this.#widget.showStatus("ended", message);
  }
}

function stateText(state: "idle" | "active", viewers: string[], control: ControlMode = "pointer", watchers: string[] = []): string {
  if (state === "idle") return "Read this code to the agent. Nothing is shared until an agent joins.";
  const watched =
    watchers.length === 0 ? "" : ` ${namesOf(watchers)}, ${watchers.length === 1 ? "a supervisor, also watches" : "supervisors, also watch"} (they cannot act on the page).`;
  const seen =
    viewers.length === 0
      ? "No agent is looking right now; the page is shared again when they come back."
      : `${namesOf(viewers)} ${viewers.length === 1 ? "sees" : "see"} this page (not the hidden fields).`;
  const acting = control === "write" ? " The agent you allowed can click, type and scroll here, but not submit." : "";
  return `${seen}${acting}${watched}`;
}

/** "Ann", "Ann and Bo", "Ann, Bo and Cy". */
function namesOf(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
