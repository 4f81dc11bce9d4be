// The organisation's bookmarks and folders, which agents open and share from the console's
// share menu (`/api/tenant/bookmarks`; the rules are Duet's: at most 20, only to the policy's
// share sites, a folder must be empty to be deleted).

import { byTestId, element } from "../dom";
import type { StaffPage as AdminPage } from "../staff/page";
import { reveal } from "./tenant";

/** One entry of the share menu, as the API lists it. */
interface Entry {
  id: number;
  kind: "bookmark" | "folder";
  name: string;
  url?: string;
  folder?: number;
}

/** Lists the bookmarks and wires the add form. */
export async function showBookmarks(page: AdminPage): Promise<void> {
  const list = byTestId<HTMLUListElement>("admin-bookmarks");
  const folders = byTestId<HTMLSelectElement>("admin-bookmark-folder");
  const refresh = async (): Promise<void> => {
    const entries = await page.call<Entry[]>("/api/tenant/bookmarks");
    list.replaceChildren(...entries.map((entry) => item(page, entry, refresh)));
    if (entries.length === 0) list.append(element("li", {}, ["No bookmarks yet."]));
    folders.replaceChildren(
      element("option", { value: "" }, ["(no folder)"]),
      ...entries
        .filter((entry) => entry.kind === "folder")
        .map((folder) => element("option", { value: String(folder.id) }, [folder.name])),
    );
  };
  wireAdd(page, refresh);
  await refresh();
  reveal("bookmarks");
}

function item(page: AdminPage, entry: Entry, refresh: () => Promise<void>): HTMLLIElement {
  const remove = element("button", { type: "button", class: "danger", "data-testid": "admin-bookmark-delete" }, [
    "Delete",
  ]);
  remove.addEventListener("click", () => {
    page
      .call<void>(`/api/tenant/bookmarks/${entry.id}`, { method: "DELETE" })
      .then(refresh)
      .catch((error: unknown) => page.fail(error));
  });
  const label = entry.kind === "folder" ? `Folder: ${entry.name}` : `${entry.name} — ${entry.url ?? ""}`;
  const inFolder = entry.folder === undefined ? "" : ` (in folder ${entry.folder})`;
  return element("li", { "data-testid": "admin-bookmark", "data-id": String(entry.id) }, [
    `${label}${inFolder} `,
    remove,
  ]);
}

function wireAdd(page: AdminPage, refresh: () => Promise<void>): void {
  const kind = byTestId<HTMLSelectElement>("admin-bookmark-kind");
  const name = byTestId<HTMLInputElement>("admin-bookmark-name");
  const url = byTestId<HTMLInputElement>("admin-bookmark-url");
  const folder = byTestId<HTMLSelectElement>("admin-bookmark-folder");
  const form = document.getElementById("bookmark-form");
  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      kind: kind.value,
      name: name.value.trim(),
      url: kind.value === "bookmark" ? url.value.trim() : undefined,
      folder: folder.value === "" ? undefined : Number(folder.value),
    };
    page
      .call<Entry>("/api/tenant/bookmarks", { body })
      .then(async () => {
        name.value = "";
        url.value = "";
        page.say("");
        await refresh();
      })
      .catch((error: unknown) => page.fail(error));
  });
}
