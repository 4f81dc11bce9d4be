// Plays a session's recording in the same sandboxed mirror as the agent's console: chunks are
// read from the supervisor API as it plays (no file, no blob URL), page frames go through the
// same inflater, the customer's pointer and the agents' annotations are drawn over it, at the
// recorded pace (1× to 8×), with idle stretches skipped when asked.

import { byTestId, element } from "../dom";
import { DomInflater } from "../console/dominflate";
import { Mirror } from "../console/mirror";
import { OwnAnnotations } from "../console/ownannotations";
import { readPointerFrame } from "../pointerframe";
import type { Annotation } from "../protocol";
import type { StaffPage } from "../staff/page";
import { type SessionSummary, recordingText } from "./list";

/** One recorded entry, as the API sends it. */
interface ChunkEntry {
  at: number;
  kind: "page" | "page_text" | "pointer" | "message" | "gap" | "end";
  data: string;
}

/** One audit record of the session (the timeline's marks). */
interface TrailRecord {
  at: number;
  action: string;
  by: string;
}

/** The actions marked on the timeline. */
const MARKED = /^(session\.(joined|ended|join_allowed)|control\.|share\.started)/;

interface Chunk {
  entries: ChunkEntry[];
  next: number;
  atEnd: boolean;
  pageAssets: string;
}

/** A pause longer than this is cut short when skipping idle time. */
const IDLE_MS = 2_000;
/** What is left of a skipped pause. */
const SKIPPED_TO_MS = 300;

/** The player of one recording. */
export class Player {
  #page: StaffPage;
  #session: SessionSummary;
  #stage = document.getElementById("stage") as HTMLElement;
  #mirror: Mirror;
  #annotations: OwnAnnotations;
  #dom = new DomInflater();
  #entries: ChunkEntry[] = [];
  #loaded = false;
  #next = 0;
  #position = 0;
  /** When the first entry was recorded; positions count from it. */
  #start = -1;
  /** When the last entry read so far was recorded. */
  #lastAt = 0;
  #playing = true;
  #closed = false;
  #lastFrame = 0;
  #button = byTestId<HTMLButtonElement>("player-play");
  #speed = byTestId<HTMLSelectElement>("player-speed");
  #skipIdle = byTestId<HTMLInputElement>("player-skip-idle");
  #timeline = byTestId<HTMLProgressElement>("player-timeline");
  #status = byTestId("player-status");

  constructor(page: StaffPage, session: SessionSummary) {
    this.#page = page;
    this.#session = session;
    this.#stage.replaceChildren();
    this.#mirror = new Mirror(this.#stage, () => undefined, () => undefined);
    this.#annotations = new OwnAnnotations(this.#mirror);
    this.#button.onclick = () => this.#toggle();
  }

  /** Opens the recording (Duet audits the view) and plays it from the start. */
  async open(): Promise<void> {
    const section = document.getElementById("player");
    if (section !== null) section.hidden = false;
    byTestId("player-title").textContent = `Session ${this.#session.sessionId} · ${recordingText(this.#session.recording)}`;
    await this.#load();
    this.#lastFrame = performance.now();
    requestAnimationFrame((now) => this.#frame(now));
    const trail = this.#page.call<{ records: TrailRecord[] }>(`/api/supervisor/sessions/${encodeURIComponent(this.#session.sessionId)}/audit`);
    await this.#loadRest();
    this.#mark((await trail).records);
  }

  /** Lists what happened beside the mirror and marks it on the timeline. */
  #mark(records: TrailRecord[]): void {
    const start = this.#start;
    const total = Math.max(1, this.#lastAt - start);
    const clock = (at: number): string => {
      const seconds = Math.max(0, Math.round((at - start) / 1000));
      return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    };
    byTestId("player-audit").replaceChildren(
      ...records.map((record) => element("li", { "data-action": record.action }, [`${clock(record.at)} ${record.action} (${record.by})`])),
    );
    const marks = records
      .filter((record) => MARKED.test(record.action))
      .map((record) => {
        const mark = element("span", { "data-mark": record.action, title: `${clock(record.at)} ${record.action} (${record.by})` });
        mark.style.left = `${(100 * Math.min(1, Math.max(0, (record.at - start) / total))).toFixed(2)}%`;
        return mark;
      });
    byTestId("player-marks").replaceChildren(...marks);
  }

  /** Stops playing (another recording was chosen). */
  close(): void {
    this.#closed = true;
    this.#mirror.freeze();
  }

  async #load(): Promise<boolean> {
    const path = `/api/supervisor/sessions/${encodeURIComponent(this.#session.sessionId)}/recording?from=${this.#next}`;
    const chunk = await this.#page.call<Chunk>(path);
    this.#mirror.assets = `${location.origin}${chunk.pageAssets}`;
    this.#entries.push(...chunk.entries);
    if (this.#start < 0) this.#start = chunk.entries[0]?.at ?? -1;
    this.#lastAt = chunk.entries.at(-1)?.at ?? this.#lastAt;
    this.#next = chunk.next;
    this.#loaded = chunk.atEnd || chunk.entries.length === 0;
    return !this.#loaded;
  }

  async #loadRest(): Promise<void> {
    if (this.#loaded) return;
    while (!this.#closed && (await this.#load())) {
      // Each chunk is read once, in order, as the player goes.
    }
  }

  #toggle(): void {
    this.#playing = !this.#playing;
    this.#button.textContent = this.#playing ? "Pause" : "Play";
  }

  #frame(now: number): void {
    if (this.#closed) return;
    const elapsed = now - this.#lastFrame;
    this.#lastFrame = now;
    if (this.#playing) this.#position += elapsed * Number(this.#speed.value);
    const start = this.#start;
    let due = this.#entries.findIndex((entry) => entry.at - start > this.#position);
    if (due === -1) due = this.#entries.length;
    const upcoming = this.#entries[due];
    if (this.#playing && this.#skipIdle.checked && upcoming !== undefined && upcoming.at - start - this.#position > IDLE_MS) {
      this.#position = upcoming.at - start - SKIPPED_TO_MS;
    }
    for (const entry of this.#entries.splice(0, due)) this.#apply(entry);
    this.#show();
    if (this.#entries.length > 0 || !this.#loaded) requestAnimationFrame((next) => this.#frame(next));
  }

  #show(): void {
    const total = Math.max(1, this.#lastAt - this.#start);
    this.#timeline.value = Math.min(1, this.#position / total);
    byTestId("player-time").textContent = `${Math.round(this.#position / 1000)} s of ${Math.round(total / 1000)} s`;
  }

  #apply(entry: ChunkEntry): void {
    const bytes = decode(entry.data);
    switch (entry.kind) {
      case "page": {
        const batch = this.#dom.read(bytes);
        if (batch !== null) this.#mirror.apply(batch.full, batch.events);
        break;
      }
      case "page_text": {
        const message = JSON.parse(text(bytes)) as { full?: boolean; events?: unknown[] };
        this.#mirror.apply(message.full === true, message.events ?? []);
        break;
      }
      case "pointer": {
        const pointer = bytes[0] === 0x7b ? (JSON.parse(text(bytes)) as { from: string; x: number; y: number }) : readPointerFrame(bytes);
        if (pointer !== null && pointer.from === "customer") this.#mirror.showCustomerPointer(pointer.x, pointer.y);
        break;
      }
      case "message": {
        const message = JSON.parse(text(bytes)) as { type: string; annotation?: Annotation };
        if (message.type === "annotate" && message.annotation !== undefined) this.#annotations.show(message.annotation);
        break;
      }
      case "gap":
        this.#status.textContent = `Part of the recording is missing here: ${text(bytes)}.`;
        break;
      case "end":
        this.#status.textContent = "End of the recording.";
        break;
    }
  }
}

function decode(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
