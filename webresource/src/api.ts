// JSON calls to Duet's HTTP API. Errors carry the server's sentence (`{"error": "..."}`).
// fetch and JSON are the untouched ones (natives.ts): the customer's page may have wrapped them.

import { natives } from "./natives";

/** A refused or failed API call, with the text to show people. */
export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/** What one API call needs besides its path. */
export interface ApiRequest {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  token?: string;
  keepalive?: boolean;
}

/** Calls `origin + path` and returns the parsed JSON body (undefined for 204). */
export async function callApi<T>(origin: string, path: string, request: ApiRequest = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (request.body !== undefined) headers["Content-Type"] = "application/json";
  if (request.token !== undefined) headers["Authorization"] = `Bearer ${request.token}`;
  let response: Response;
  try {
    response = await natives().fetch(origin + path, {
      method: request.method ?? (request.body === undefined ? "GET" : "POST"),
      headers,
      body: request.body === undefined ? null : natives().stringify(request.body),
      credentials: "omit",
      keepalive: request.keepalive ?? false,
    });
  } catch {
    throw new ApiError(0, "Duet could not be reached. Check your connection and try again.");
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = parseJson(text);
  if (!response.ok) {
    const message = errorText(parsed) ?? `Duet answered ${response.status}. Try again in a moment.`;
    throw new ApiError(response.status, message);
  }
  return parsed as T;
}

function parseJson(text: string): unknown {
  try {
    return natives().parse(text);
  } catch {
    return null;
  }
}

function errorText(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return null;
  const error = (value as { error?: unknown }).error;
  return typeof error === "string" && error !== "" ? error : null;
}
