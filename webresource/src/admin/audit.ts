// The organisation's audit trail (`GET /api/tenant/audit`): search by session or share id and
// time, page through it, and export what the search finds as JSON lines or CSV (every page,
// followed by its `Link: rel="next"`), the same records `duet audit export` prints.

import { ApiError } from "../api";
import { byTestId, element } from "../dom";
import type { StaffPage as AdminPage } from "../staff/page";
import { reveal } from "./tenant";

/** One audit record, as the API lists it. */
interface AuditRecord {
  seq: number;
  at: string;
  session: string | null;
  actor: { role: string; id?: string | null; name?: string | null };
  action: string;
  detail: unknown;
}

/** Records per page on screen, and per request when exporting. */
const PAGE = 100;
const EXPORT_PAGE = 5000;

/** Wires the search and the exports, and shows the newest records' first page. */
export async function showAudit(page: AdminPage): Promise<void> {
  const rows = byTestId<HTMLTableSectionElement>("admin-audit-rows");
  const more = byTestId<HTMLButtonElement>("admin-audit-more");
  let next: string | null = null;
  const load = async (path: string, replace: boolean): Promise<void> => {
    const answer = await page.call<{ records: AuditRecord[]; next: string | null }>(path);
    const shown = answer.records.map(row);
    if (replace) rows.replaceChildren(...shown);
    else rows.append(...shown);
    if (replace && shown.length === 0) rows.append(element("tr", {}, [element("td", { colspan: "6" }, ["No records."])]));
    next = answer.next;
    more.hidden = next === null;
  };
  const search = (): void => {
    const filters = readFilters();
    if (filters === null) return page.say("Since must be a date and time.");
    filters.set("limit", String(PAGE));
    load(`/api/tenant/audit?${filters}`, true).catch((error: unknown) => page.fail(error));
  };
  document.getElementById("audit-form")?.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  more.addEventListener("click", () => {
    if (next !== null) load(next, false).catch((error: unknown) => page.fail(error));
  });
  for (const format of ["jsonl", "csv"] as const) {
    byTestId(`admin-audit-export-${format}`).addEventListener("click", () => {
      exportAll(page, format).catch((error: unknown) => page.fail(error));
    });
  }
  reveal("audit");
  await load(`/api/tenant/audit?limit=${PAGE}`, true);
}

function row(record: AuditRecord): HTMLTableRowElement {
  const who = record.actor.name ?? record.actor.id ?? "";
  const cells = [
    String(record.seq),
    record.at.replace("T", " ").replace(/\.\d+Z$|Z$/, ""),
    who === "" ? record.actor.role : `${who} (${record.actor.role})`,
    record.action,
    record.session ?? "",
  ].map((text) => element("td", {}, [text]));
  const detail = element("td", { class: "detail" }, [JSON.stringify(record.detail)]);
  return element("tr", { "data-testid": "admin-audit-row", "data-action": record.action }, [...cells, detail]);
}

/** The search's filters as query parameters, or null when "since" is not a time. */
function readFilters(): URLSearchParams | null {
  const filters = new URLSearchParams();
  const session = byTestId<HTMLInputElement>("admin-audit-session").value.trim();
  if (session !== "") filters.set("session", session);
  const since = byTestId<HTMLInputElement>("admin-audit-since").value;
  if (since !== "") {
    const at = new Date(since);
    if (Number.isNaN(at.getTime())) return null;
    filters.set("since", at.toISOString());
  }
  return filters;
}

/** Fetches every page the search finds in `format` and saves it as one file. */
async function exportAll(page: AdminPage, format: "jsonl" | "csv"): Promise<void> {
  const filters = readFilters();
  if (filters === null) return page.say("Since must be a date and time.");
  filters.set("format", format);
  filters.set("limit", String(EXPORT_PAGE));
  let path: string | null = `/api/tenant/audit?${filters}`;
  const parts: string[] = [];
  while (path !== null) {
    const response = await fetch(page.origin + path, {
      headers: { Authorization: `Bearer ${page.user.token}` },
      credentials: "omit",
    });
    const text = await response.text();
    if (!response.ok) throw new ApiError(response.status, errorOf(text, response.status));
    // Each CSV page starts with the header row; the file keeps the first.
    parts.push(format === "csv" && parts.length > 0 ? text.slice(text.indexOf("\n") + 1) : text);
    path = nextLink(response.headers.get("Link"));
  }
  const type = format === "csv" ? "text/csv" : "application/x-ndjson";
  const link = element("a", {
    href: URL.createObjectURL(new Blob(parts, { type })),
    download: `duet-audit.${format}`,
    "data-testid": "admin-audit-download",
  });
  document.body.append(link);
  link.click();
  link.remove();
  page.say(`Exported the audit trail as duet-audit.${format}.`, "done");
}

function nextLink(header: string | null): string | null {
  const match = header?.match(/<([^>]+)>;\s*rel="next"/);
  return match?.[1] ?? null;
}

function errorOf(text: string, status: number): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
  } catch {
    // Not JSON: say what Duet answered.
  }
  return `Duet answered ${status}. Try again in a moment.`;
}
