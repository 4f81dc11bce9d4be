// What the staff pages (/admin, /supervisor) share: which page it is (its role, its test-id
// prefix, where its sign-in is kept), the signed-in person's token, the one message line, and
// calls to the API that forget the sign-in when Duet refuses it.

import { ApiError, type ApiRequest, callApi } from "../api";
import { byTestId } from "../dom";

/** One staff page: the app role it asks for, its test-id prefix and its sessionStorage key. */
export interface StaffKind {
  role: "Duet.Admin" | "Duet.Supervisor";
  prefix: "admin" | "supervisor";
  storageKey: string;
}

/** The tenant administrator's page. */
export const ADMIN: StaffKind = { role: "Duet.Admin", prefix: "admin", storageKey: "duet.admin" };
/** The supervisor's page. */
export const SUPERVISOR: StaffKind = { role: "Duet.Supervisor", prefix: "supervisor", storageKey: "duet.supervisor" };

/** A signed-in administrator or supervisor. */
export interface StaffUser {
  token: string;
  name: string;
}

/** The page, once someone signed in. */
export class StaffPage {
  readonly origin = location.origin;
  readonly kind: StaffKind;
  readonly user: StaffUser;
  readonly #message: HTMLParagraphElement;

  constructor(kind: StaffKind, user: StaffUser) {
    this.kind = kind;
    this.user = user;
    this.#message = byTestId<HTMLParagraphElement>(`${kind.prefix}-message`);
  }

  /** Calls the API as the signed-in person; a refused sign-in is forgotten and said so. */
  async call<T>(path: string, request: ApiRequest = {}): Promise<T> {
    try {
      return await callApi<T>(this.origin, path, { ...request, token: this.user.token });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) forgetUser(this.kind);
      throw error;
    }
  }

  /** Shows a problem (or, with `done`, a success) on the page's message line. */
  say(text: string, kind: "problem" | "done" = "problem"): void {
    showMessage(this.#message, text, kind);
  }

  /** Shows what went wrong with a call. */
  fail(error: unknown): void {
    this.say(error instanceof ApiError ? error.message : String(error));
  }
}

/** Shows `text` on the message line (hidden when empty). */
export function showMessage(line: HTMLElement, text: string, kind: "problem" | "done" = "problem"): void {
  line.textContent = text;
  line.dataset["kind"] = kind;
  line.hidden = text === "";
}

/** The stored sign-in, if any. */
export function loadUser(kind: StaffKind): StaffUser | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(kind.storageKey) ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const { token, name } = value as Partial<StaffUser>;
    return typeof token === "string" && typeof name === "string" ? { token, name } : null;
  } catch {
    return null;
  }
}

/** Keeps the sign-in for this tab. */
export function saveUser(kind: StaffKind, user: StaffUser): void {
  sessionStorage.setItem(kind.storageKey, JSON.stringify(user));
}

/** Forgets the sign-in. */
export function forgetUser(kind: StaffKind): void {
  sessionStorage.removeItem(kind.storageKey);
}

/** Lines of a textarea, trimmed, blank ones dropped. */
export function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
