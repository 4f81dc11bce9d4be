// What every part of the admin page shares: Duet's origin, the signed-in administrator's token,
// the one message line, and calls to the API that forget the sign-in when Duet refuses it.

import { ApiError, type ApiRequest, callApi } from "../api";
import { byTestId } from "../dom";

/** sessionStorage key for the administrator's sign-in. */
export const ADMIN_STORAGE_KEY = "duet.admin";

/** A signed-in administrator. */
export interface AdminUser {
  token: string;
  name: string;
}

/** The page, once someone signed in. */
export class AdminPage {
  readonly origin = location.origin;
  readonly user: AdminUser;
  readonly #message = byTestId<HTMLParagraphElement>("admin-message");

  constructor(user: AdminUser) {
    this.user = user;
  }

  /** Calls the API as the administrator; a refused sign-in is forgotten and said so. */
  async call<T>(path: string, request: ApiRequest = {}): Promise<T> {
    try {
      return await callApi<T>(this.origin, path, { ...request, token: this.user.token });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) forgetUser();
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
export function loadUser(): AdminUser | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(ADMIN_STORAGE_KEY) ?? "null");
    if (typeof value !== "object" || value === null) return null;
    const { token, name } = value as Partial<AdminUser>;
    return typeof token === "string" && typeof name === "string" ? { token, name } : null;
  } catch {
    return null;
  }
}

/** Keeps the sign-in for this tab. */
export function saveUser(user: AdminUser): void {
  sessionStorage.setItem(ADMIN_STORAGE_KEY, JSON.stringify(user));
}

/** Forgets the sign-in. */
export function forgetUser(): void {
  sessionStorage.removeItem(ADMIN_STORAGE_KEY);
}

/** Lines of a textarea, trimmed, blank ones dropped. */
export function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}
