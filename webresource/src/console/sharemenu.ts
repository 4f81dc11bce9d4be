// The co-browse share menu's elements (templates/console.html): show my screen, stop, ask the
// customer, the tenant's bookmarks and folders, and the video of the customer's screen.

import { ApiError, callApi } from "../api";
import { byTestId, element } from "../dom";

/** One entry of the tenant's share menu (`Entry` in src/engine/bookmarks.rs). */
export interface BookmarkEntry {
  id: number;
  kind: "bookmark" | "folder";
  name: string;
  url?: string;
  folder?: number;
}

/** Handles on the share menu and what it shows. */
export class ShareMenuUi {
  readonly menu = document.getElementById("cobrowse-share") as HTMLElement;
  readonly start = byTestId<HTMLButtonElement>("agent-share-start");
  readonly stop = byTestId<HTMLButtonElement>("agent-share-stop");
  readonly request = byTestId<HTMLButtonElement>("agent-share-request");
  readonly bookmarks = byTestId<HTMLUListElement>("agent-bookmarks");
  readonly video: HTMLVideoElement;
  #state = byTestId("agent-share-state");
  #message = byTestId("agent-share-message");

  constructor(stage: HTMLElement) {
    this.video = element("video", {
      "data-testid": "agent-cobrowse-share-video", class: "cobrowse-share-video",
      autoplay: "", playsinline: "", title: "The customer's screen",
    });
    this.video.muted = true;
    this.video.hidden = true;
    stage.append(this.video);
  }

  /** Shows or hides the menu (it is there while the session is active). */
  open(active: boolean): void {
    this.menu.hidden = !active;
  }

  /** Shows whether this agent is showing their screen. */
  sharing(on: boolean): void {
    this.start.disabled = on;
    this.stop.hidden = !on;
  }

  /** Says who shows their screen now; empty when nobody does. */
  state(text: string): void {
    this.#state.textContent = text;
  }

  /** Shows a sentence about sharing (taken over, refused); empty hides it. */
  message(text: string): void {
    this.#message.textContent = text;
    this.#message.hidden = text === "";
  }

  /** Shows the customer's screen, or hides it for null. */
  show(stream: MediaStream | null): void {
    this.video.srcObject = stream;
    this.video.hidden = stream === null;
    if (stream !== null) void this.video.play().catch(() => undefined);
  }

  /** Loads the tenant's bookmarks and folders into the menu. */
  async loadBookmarks(origin: string, token: string): Promise<void> {
    try {
      const entries = await callApi<BookmarkEntry[]>(origin, "/api/tenant/bookmarks", { token });
      this.bookmarks.replaceChildren(...bookmarkItems(entries));
    } catch (error) {
      const text = error instanceof ApiError ? error.message : String(error);
      this.bookmarks.replaceChildren(element("li", {}, [`The bookmarks could not be loaded: ${text}`]));
    }
  }
}

function bookmarkItems(entries: BookmarkEntry[]): HTMLLIElement[] {
  if (entries.length === 0) return [element("li", {}, ["Your organisation has no bookmarks yet."])];
  const inFolder = (folder: number | undefined) => entries.filter((e) => e.kind === "bookmark" && e.folder === folder);
  const folders = entries.filter((e) => e.kind === "folder").map((folder) =>
    element("li", { "data-folder": String(folder.id) }, [
      element("strong", {}, [folder.name]),
      element("ul", {}, inFolder(folder.id).map(link)),
    ]),
  );
  const known = new Set(entries.filter((e) => e.kind === "folder").map((e) => e.id));
  const loose = entries.filter((e) => e.kind === "bookmark" && (e.folder === undefined || !known.has(e.folder)));
  return [...folders, ...loose.map(link)];
}

function link(entry: BookmarkEntry): HTMLLIElement {
  // Only web addresses become links; the server checks them too.
  const href = /^https?:\/\//i.test(entry.url ?? "") ? entry.url : undefined;
  const anchor = element("a", { href, target: "_blank", rel: "noopener noreferrer", "data-testid": "agent-bookmark" }, [entry.name]);
  return element("li", {}, [anchor]);
}
