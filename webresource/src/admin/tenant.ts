// The administrator's organisation as Duet serves it (`GET /api/tenant`), and its masking and
// control policy, which a registered organisation's administrator changes here
// (`PUT /api/tenant/policy`). Selectors are tried in this browser first, so a typo is named
// before any customer's page would choke on it.

import { byTestId } from "../dom";
import type { DisplaySurface, PolicySettings } from "../protocol.gen";
import { type StaffPage as AdminPage, lines } from "../staff/page";

/** What `GET /api/tenant` answers. */
export interface TenantOverview {
  tenant: string;
  name: string;
  registered: boolean;
  entraTenant: string | null;
  orgs: string[];
  sites: string[];
  policy: PolicySettings;
  ownPolicy: boolean;
  iceServers: string[];
  ownIceServers: boolean;
  signedInAs: string | null;
}

const SELECTOR_FIELDS = ["mask_selectors", "unmask_selectors", "restricted_selectors", "allow_selectors"] as const;

/** Shows the organisation and its policy; returns what Duet answered. */
export async function showTenant(page: AdminPage): Promise<TenantOverview> {
  const overview = await page.call<TenantOverview>("/api/tenant");
  const put = (id: string, text: string): void => {
    byTestId(id).textContent = text;
  };
  put("admin-tenant-name", overview.name);
  put("admin-tenant-id", overview.tenant);
  put("admin-tenant-entra", overview.entraTenant ?? "none (the built-in tenant)");
  put("admin-tenant-orgs", listed(overview.orgs));
  put("admin-tenant-sites", listed(overview.sites));
  const ice = overview.ownIceServers ? "its own" : "the built-in ones";
  put("admin-tenant-ice", `${listed(overview.iceServers)} (${ice})`);
  reveal("tenant");
  showPolicy(page, overview);
  return overview;
}

function showPolicy(page: AdminPage, overview: TenantOverview): void {
  const form = byTestId<HTMLFormElement>("admin-policy");
  fill(form, overview.policy);
  const origin = byTestId("admin-policy-origin");
  if (!overview.registered) {
    origin.textContent =
      "The built-in tenant's policy comes from duet.toml and DUET_* variables, which Duet's operator sets. Register your organisation with duet tenant add to manage it here.";
    for (const field of form.elements) (field as HTMLInputElement).disabled = true;
  } else {
    origin.textContent = overview.ownPolicy
      ? "Your organisation's own policy."
      : "Your organisation follows the built-in policy until you save one of its own.";
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const policy = read(form);
    const bad = badSelector(policy);
    if (bad !== null) {
      page.say(`${JSON.stringify(bad)} is not a CSS selector this browser understands; fix it before saving.`);
      return;
    }
    page
      .call<PolicySettings>("/api/tenant/policy", { method: "PUT", body: policy })
      .then((saved) => {
        fill(form, saved);
        origin.textContent = "Your organisation's own policy.";
        page.say("Policy saved: new sessions follow it now, running ones from their next connection.", "done");
      })
      .catch((error: unknown) => page.fail(error));
  });
  reveal("policy");
}

/** The policy's on/off switches, one checkbox each. */
const SWITCHES = ["record_sessions", "watch_needs_consent", "agents_see_recordings"] as const;

function fill(form: HTMLFormElement, policy: PolicySettings): void {
  for (const name of [...SELECTOR_FIELDS, "share_sites"] as const) {
    field<HTMLTextAreaElement>(form, name).value = policy[name].join("\n");
  }
  field<HTMLInputElement>(form, "private_by_default").checked = policy.private_by_default;
  for (const name of SWITCHES) field<HTMLInputElement>(form, name).checked = policy[name];
  for (const box of form.querySelectorAll<HTMLInputElement>('input[name="surface"]')) {
    box.checked = policy.allowed_surfaces.includes(box.value as DisplaySurface);
  }
}

function read(form: HTMLFormElement): PolicySettings {
  const text = (name: string): string[] => lines(field<HTMLTextAreaElement>(form, name).value);
  const surfaces = [...form.querySelectorAll<HTMLInputElement>('input[name="surface"]:checked')].map(
    (box) => box.value as DisplaySurface,
  );
  return {
    mask_selectors: text("mask_selectors"),
    unmask_selectors: text("unmask_selectors"),
    restricted_selectors: text("restricted_selectors"),
    private_by_default: field<HTMLInputElement>(form, "private_by_default").checked,
    allow_selectors: text("allow_selectors"),
    share_sites: text("share_sites"),
    allowed_surfaces: surfaces,
    record_sessions: field<HTMLInputElement>(form, "record_sessions").checked,
    watch_needs_consent: field<HTMLInputElement>(form, "watch_needs_consent").checked,
    agents_see_recordings: field<HTMLInputElement>(form, "agents_see_recordings").checked,
  };
}

/** The first selector this browser cannot parse, or null. */
function badSelector(policy: PolicySettings): string | null {
  for (const name of SELECTOR_FIELDS) {
    for (const selector of policy[name]) {
      try {
        document.createDocumentFragment().querySelector(selector);
      } catch {
        return selector;
      }
    }
  }
  return null;
}

function field<T extends HTMLElement>(form: HTMLFormElement, name: string): T {
  const found = form.querySelector<T>(`[name="${name}"]`);
  if (found === null) throw new Error(`The policy form has no field ${name}.`);
  return found;
}

function listed(values: string[]): string {
  return values.length === 0 ? "none" : values.join(", ");
}

/** Shows the section with this id. */
export function reveal(id: string): void {
  const section = document.getElementById(id);
  if (section !== null) section.hidden = false;
}
