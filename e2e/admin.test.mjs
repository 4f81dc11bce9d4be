// The tenant administrator's page, in Chromium, on the demo's built-in tenant: the development
// sign-in (loopback) asks for Duet.Admin; the page shows the tenant, keeps its bookmarks, finds a
// session's records in the audit trail and exports them. An agent's sign-in without the role is
// told which role is missing.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { WAIT_MS, newConversation, startCustomer, useDuet, waitUntil } from "./support/duet.mjs";

let duet;
let browser;
useDuet({}, (started) => ({ duet, browser } = started));

/** The admin page, signed in by name as an administrator. */
async function signedInAdmin(name = "Ada Admin") {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(`${duet.base}/admin`);
  await page.getByTestId("admin-signin-name").fill(name);
  await page.getByTestId("admin-signin").click();
  await page.getByTestId("admin-tenant").waitFor({ state: "visible", timeout: WAIT_MS });
  return page;
}

test("an administrator sees the built-in tenant, whose policy only its operator changes", async () => {
  const page = await signedInAdmin();
  assert.equal(await page.getByTestId("admin-user").textContent(), "Ada Admin");
  assert.equal(await page.getByTestId("admin-tenant-name").textContent(), "Built-in tenant");
  assert.match(await page.getByTestId("admin-tenant-sites").textContent(), new RegExp(duet.base.replace(/[.:/]/g, "\\$&")));
  assert.match(await page.getByTestId("admin-policy-origin").textContent(), /duet\.toml and DUET_\*/);
  assert.ok(await page.getByTestId("admin-policy-save").isDisabled());
});

test("an administrator adds and deletes a bookmark, and agents see the menu it leaves", async () => {
  const page = await signedInAdmin();
  await page.getByTestId("admin-bookmark-name").fill("Returns policy");
  await page.getByTestId("admin-bookmark-url").fill("https://shop.example/returns");
  await page.getByTestId("admin-bookmark-add").click();
  const added = page.getByTestId("admin-bookmark").filter({ hasText: "Returns policy" });
  await added.waitFor({ state: "visible", timeout: WAIT_MS });

  const agent = await signInAgent("Bea Agent");
  const menu = await (await fetch(`${duet.base}/api/tenant/bookmarks`, { headers: { Authorization: `Bearer ${agent}` } })).json();
  assert.ok(menu.some((entry) => entry.name === "Returns policy"), JSON.stringify(menu));

  await added.getByTestId("admin-bookmark-delete").click();
  await waitUntil("the bookmark gone from the list", async () => (await added.count()) === 0);
});

test("an administrator finds a session's records in the audit trail and exports them as CSV", async () => {
  const conversation = newConversation();
  const customer = await startCustomer(browser, duet.base, conversation);
  const page = await signedInAdmin();
  await page.getByTestId("admin-audit-session").fill(customer.code);
  await page.getByTestId("admin-audit-search").click();
  const created = page.locator('[data-testid="admin-audit-row"][data-action="session.created"]');
  await created.waitFor({ state: "visible", timeout: WAIT_MS });
  // The trail the page opened with also holds this session's record: wait for the search's answer.
  await waitUntil("only that session's records", async () => (await page.getByTestId("admin-audit-row").count()) === 1);

  const downloading = page.waitForEvent("download", { timeout: WAIT_MS });
  await page.getByTestId("admin-audit-export-csv").click();
  const download = await downloading;
  assert.equal(download.suggestedFilename(), "duet-audit.csv");
  const csv = await readFile(await download.path(), "utf8");
  const [header, ...rows] = csv.trim().split("\n");
  assert.match(header, /^seq,at,tenant,session,/);
  assert.equal(rows.length, 1, csv);
  assert.match(rows[0], new RegExp(`${customer.code},.*session\\.created`));
});

test("a sign-in without the Duet.Admin role is told which role is missing and sees nothing else", async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${duet.base}/admin`);
  const agent = await signInAgent("Cal Agent");
  await page.evaluate((token) => sessionStorage.setItem("duet.admin", JSON.stringify({ token, name: "Cal Agent" })), agent);
  await page.reload();
  const message = page.getByTestId("admin-message");
  await message.waitFor({ state: "visible", timeout: WAIT_MS });
  assert.match(await message.textContent(), /Duet\.Admin app role/);
  assert.ok(await page.getByTestId("admin-tenant").isHidden());
  assert.ok(await page.getByTestId("admin-audit-rows").isHidden());
});

/** Signs an agent in by name (development sign-in, no roles asked); returns the token. */
async function signInAgent(name) {
  const response = await fetch(`${duet.base}/api/agent/signin`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  assert.equal(response.status, 200);
  return (await response.json()).token;
}
