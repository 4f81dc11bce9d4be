// Messages from the console to the app tab that frames it (templates/apptab.html),
// posted only to the origin the console was given, never to "*".

/** Posts Duet's app-tab messages to the parent frame. */
export class ParentBridge {
  #origin: string;
  #connected = false;

  constructor(parentOrigin: string) {
    this.#origin = window.parent !== window ? parentOrigin : "";
  }

  /** Gives the app tab the URL that ends the session from its own unload. */
  endBeacon(url: string): void {
    this.#post({ source: "duet", type: "end-beacon", url });
  }

  /** The session is active with this agent in it. */
  connected(): void {
    if (this.#connected) return;
    this.#connected = true;
    this.#post({ source: "duet", type: "connected" });
  }

  /** The session ended. */
  ended(): void {
    if (!this.#connected) return;
    this.#connected = false;
    this.#post({ source: "duet", type: "ended" });
  }

  /** Asks the app tab to post `text` into the conversation; resolves whether it was sent (false
   * when the workspace offers no way, or no app tab answers within 3 s). */
  invite(text: string): Promise<boolean> {
    if (this.#origin === "") return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const answered = (event: MessageEvent): void => {
        const data = event.data as { source?: unknown; type?: unknown; sent?: unknown } | null;
        if (event.origin !== this.#origin || event.source !== window.parent) return;
        if (data?.source !== "duet-apptab" || data.type !== "invite-result") return;
        finish(data.sent === true);
      };
      const timer = setTimeout(() => finish(false), 3_000);
      const finish = (sent: boolean): void => {
        clearTimeout(timer);
        window.removeEventListener("message", answered);
        resolve(sent);
      };
      window.addEventListener("message", answered);
      this.#post({ source: "duet", type: "invite", text });
    });
  }

  #post(message: { source: "duet"; type: string; url?: string; text?: string }): void {
    if (this.#origin === "") return;
    window.parent.postMessage(message, this.#origin);
  }
}
