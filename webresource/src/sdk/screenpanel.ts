// The customer script's screen-share elements inside co-browse: a small movable, resizable,
// closable panel with the agent's screen, and (in the widget) the "show your screen?" prompt and
// the stop button. Everything carries data-duet-ui, so rrweb never records it.

import { element, style } from "../dom";
import { natives } from "../natives";

/** The panel's first size, in CSS pixels. */
const PANEL_WIDTH_PX = 360;
const PANEL_HEIGHT_PX = 240;

/** What the customer does with the elements. */
export interface ScreenPanelActions {
  accept(): void;
  deny(): void;
  stop(): void;
  close(): void;
}

/** The agent's-screen panel and the sharing controls. */
export class ScreenPanel {
  /** Goes into the widget, above Exit. */
  readonly controls: HTMLDivElement;
  #panel: HTMLDivElement;
  #name: HTMLElement;
  #video: HTMLVideoElement;
  #prompt: HTMLDivElement;
  #question: HTMLElement;
  #stop: HTMLButtonElement;

  constructor(actions: ScreenPanelActions) {
    const accept = element("button", { type: "button", "data-testid": "cobrowse-share-accept" }, ["Show my screen"]);
    const deny = element("button", { type: "button", "data-testid": "cobrowse-share-deny" }, ["Not now"]);
    this.#question = element("p", { "data-testid": "cobrowse-share-request" });
    this.#prompt = element("div", { role: "alertdialog", "aria-label": "Screen share request" }, [
      this.#question,
      element("p", {}, ["You choose what to show: a tab, a window or your screen. You can stop at any time."]),
      element("div", {}, [accept, " ", deny]),
    ]);
    this.#stop = element("button", { type: "button", "data-testid": "cobrowse-share-stop" }, ["Stop showing my screen"]);
    this.controls = element("div", {}, [this.#prompt, this.#stop]);
    this.#name = element("span", { "data-testid": "cobrowse-agent-screen-name" });
    const close = element("button", { type: "button", "data-testid": "cobrowse-agent-screen-close", "aria-label": "Close", title: "Close" }, ["×"]);
    const header = element("div", {}, [this.#name, close]);
    this.#video = element("video", { autoplay: "", playsinline: "" });
    this.#video.muted = true;
    this.#panel = element("div", { "data-duet-ui": "", "data-testid": "cobrowse-agent-screen", role: "region", "aria-label": "The agent's screen" }, [header, this.#video]);
    natives().listen(accept, "click", () => actions.accept());
    natives().listen(deny, "click", () => actions.deny());
    natives().listen(this.#stop, "click", () => actions.stop());
    natives().listen(close, "click", () => actions.close());
    this.#applyStyles(header, close, accept, deny);
  }

  /** Puts the panel on the page (hidden until an agent shows their screen). */
  mount(): void {
    document.body.append(this.#panel);
  }

  /** Shows the panel saying whose screen it is. */
  showAgent(name: string): void {
    this.#name.textContent = `${name} is showing their screen`;
    this.#panel.style.display = "flex";
  }

  /** Plays the agent's stream in the panel (shown, also after a reload that missed who shares). */
  play(stream: MediaStream): void {
    if (this.#name.textContent === "") this.#name.textContent = "The agent is showing their screen";
    this.#panel.style.display = "flex";
    this.#video.srcObject = stream;
    void this.#video.play().catch(() => undefined);
  }

  /** Hides the panel and drops the stream. */
  hideAgent(): void {
    this.#panel.style.display = "none";
    this.#video.srcObject = null;
  }

  /** Asks the customer to show their screen. */
  ask(agentName: string): void {
    this.#question.textContent = `${agentName} asks to see your screen.`;
    this.#prompt.style.display = "block";
  }

  /** Hides the prompt. */
  hideRequest(): void {
    this.#prompt.style.display = "none";
  }

  /** Shows whether the customer is showing their screen. */
  sharing(on: boolean): void {
    this.#stop.style.display = on ? "inline-block" : "none";
  }

  /** Takes everything off the page (the session ended). */
  unmount(): void {
    this.hideAgent();
    this.controls.remove();
    this.#panel.remove();
  }

  #applyStyles(header: HTMLElement, close: HTMLButtonElement, accept: HTMLButtonElement, deny: HTMLButtonElement): void {
    const button = { color: "#fff", border: "0", borderRadius: "6px", padding: "6px 12px", cursor: "pointer", font: "inherit" };
    style(accept, { ...button, background: "#107c10" });
    style(deny, { ...button, background: "#605e5c" });
    style(this.#stop, { ...button, background: "#a4262c", display: "none", marginBottom: "8px" });
    style(this.#prompt, { display: "none", borderTop: "1px solid #e1dfdd", margin: "8px 0", paddingTop: "4px" });
    style(this.#panel, {
      display: "none", flexDirection: "column", position: "fixed", left: "16px", top: "16px", zIndex: "2147483646",
      width: `${PANEL_WIDTH_PX}px`, height: `${PANEL_HEIGHT_PX}px`, minWidth: "160px", minHeight: "120px",
      resize: "both", overflow: "hidden", background: "#201f1e", border: "2px solid #0f6cbd", borderRadius: "8px",
      boxShadow: "0 2px 12px rgba(0,0,0,.35)", font: "13px/1.4 system-ui, sans-serif",
    });
    style(header, { display: "flex", justifyContent: "space-between", alignItems: "center", padding: "4px 8px", color: "#fff", background: "#0f6cbd" });
    style(close, { background: "transparent", color: "#fff", border: "0", fontSize: "18px", lineHeight: "1", cursor: "pointer" });
    style(this.#video, { flex: "1", minHeight: "0", width: "100%", objectFit: "contain", background: "#000" });
  }
}
