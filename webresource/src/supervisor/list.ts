// The supervisor's list of the tenant's sessions: one row each (`supervisor-session`) with its
// id, conversation, agents, times, end and recording state, and Play when it has a recording.

import { byTestId, element } from "../dom";
import type { StaffPage } from "../staff/page";

/** How a session's recording stands (the API's `recording`). */
export type RecordingState =
  | { recording: "absent" | "complete" | "recording" }
  | { recording: "partial"; why: string[] };

/** One session, as the API lists it. */
export interface SessionSummary {
  sessionId: string;
  conversation: string | null;
  agents: string[];
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  live: boolean;
  recording: RecordingState;
}

/** The table of sessions and its filter. */
export class SessionList {
  #page: StaffPage;
  #play: (session: SessionSummary) => void;
  #watch: (session: SessionSummary) => void;
  #rows = byTestId<HTMLTableSectionElement>("supervisor-sessions");
  /** Whether the signed-in person may watch live sessions (an agent replaying may not). */
  #mayWatch = false;
  #filter = byTestId<HTMLFormElement>("supervisor-filter");

  constructor(page: StaffPage, play: (session: SessionSummary) => void, watch: (session: SessionSummary) => void) {
    this.#page = page;
    this.#play = play;
    this.#watch = watch;
    this.#filter.addEventListener("submit", (event) => {
      event.preventDefault();
      this.show().catch((error: unknown) => page.fail(error));
    });
  }

  /** Fetches the sessions (filtered by the form) and shows them. */
  async show(): Promise<void> {
    const q = byTestId<HTMLInputElement>("supervisor-filter-text").value.trim();
    const path = q === "" ? "/api/supervisor/sessions" : `/api/supervisor/sessions?q=${encodeURIComponent(q)}`;
    const { sessions, mayWatch } = await this.#page.call<{ sessions: SessionSummary[]; mayWatch: boolean }>(path);
    this.#mayWatch = mayWatch;
    this.#rows.replaceChildren(...sessions.map((session) => this.#row(session)));
    const section = document.getElementById("sessions");
    if (section !== null) section.hidden = false;
  }

  #row(session: SessionSummary): HTMLTableRowElement {
    const play = element("button", { type: "button", "data-testid": "supervisor-play" }, ["Play"]);
    play.disabled = session.recording.recording === "absent";
    play.addEventListener("click", () => this.#play(session));
    const actions: HTMLElement[] = [play];
    if (session.live && this.#mayWatch) {
      const watch = element("button", { type: "button", class: "quiet", "data-testid": "supervisor-watch" }, ["Watch live"]);
      watch.addEventListener("click", () => this.#watch(session));
      actions.push(watch);
    }
    const cells = [
      session.sessionId,
      session.conversation ?? "",
      session.agents.join(", "),
      new Date(session.startedAt).toLocaleString(),
      lengthOf(session),
      session.live ? "live" : (session.endReason ?? "").replaceAll("_", " "),
      recordingText(session.recording),
    ].map((text) => element("td", {}, [text]));
    return element("tr", { "data-testid": "supervisor-session", "data-session": session.sessionId }, [...cells, element("td", {}, actions)]);
  }
}

/** "12 min 5 s", from start to end (or to now while live). */
function lengthOf(session: SessionSummary): string {
  const end = session.endedAt === null ? Date.now() : Date.parse(session.endedAt);
  const seconds = Math.max(0, Math.round((end - Date.parse(session.startedAt)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** What the recording column says. */
export function recordingText(state: RecordingState): string {
  switch (state.recording) {
    case "absent":
      return "none (not recorded, or no agent saw the page)";
    case "complete":
      return "complete";
    case "recording":
      return "recording now";
    case "partial":
      return `partial: ${state.why.join("; ")}`;
  }
}
