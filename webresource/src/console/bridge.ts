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

  #post(message: { source: "duet"; type: string; url?: string }): void {
    if (this.#origin === "") return;
    window.parent.postMessage(message, this.#origin);
  }
}
