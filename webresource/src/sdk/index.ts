// sdk.js, the customer script: one <script src=".../sdk.js" data-conversation="..."> tag.
// Options on the tag: data-conversation, data-duet-origin (defaults to the script's origin),
// data-tenant (which tenant's, when the site is registered for several), data-duet-pairing="manual"
// (the site's own chat context provider merges Duet.pairingContext()), data-duet-button="off" to hide the floating button and start from the site's own UI
// with window.Duet.startCobrowse({ conversationId }).

import { ApiError } from "../api";
import { natives } from "../natives";
import { mountShareLink } from "../share/link";
import { type ChatSdk, conversationOf, offerPairing, pairingContext, pairingOffered } from "./pairing";
import { FrameChild } from "./framechild";
import { CustomerSession } from "./session";
import { STORAGE_KEY, readStored } from "./stored";
import { Widget } from "./widget";

interface StartOptions {
  conversationId?: string;
  /** A site built on `@microsoft/omnichannel-chat-sdk` passes its chat SDK: the conversation
   * id comes from `getConversationDetails()`. */
  chatSDK?: ChatSdk;
}

/** What the page gets as `window.Duet`. */
interface DuetApi {
  startCobrowse(options?: StartOptions): Promise<{ sessionId: string }>;
  exit(): void;
  pairingContext(): ReturnType<typeof pairingContext>;
}

declare global {
  interface Window {
    Duet?: DuetApi;
  }
}

interface ScriptConfig {
  origin: string;
  conversationId: string | null;
  tenant: string | null;
  showButton: boolean;
  pairing: "auto" | "manual";
}

function readConfig(script: HTMLScriptElement | null): ScriptConfig {
  const src = script?.src ?? "";
  const origin = script?.dataset["duetOrigin"] ?? (src === "" ? location.origin : new URL(src, location.href).origin);
  const conversation = script?.dataset["conversation"]?.trim() ?? "";
  const tenant = script?.dataset["tenant"]?.trim() ?? "";
  return {
    origin: origin.replace(/\/+$/, ""),
    conversationId: conversation === "" ? null : conversation,
    tenant: tenant === "" ? null : tenant,
    showButton: script?.dataset["duetButton"] !== "off",
    pairing: script?.dataset["duetPairing"] === "manual" ? "manual" : "auto",
  };
}

function install(config: ScriptConfig): DuetApi {
  let session: CustomerSession | null = null;
  let starting: Promise<{ sessionId: string }> | null = null;
  const start = (options: StartOptions = {}): Promise<{ sessionId: string }> => {
    if (starting !== null) return starting;
    // An async function, not the page's `Promise` (which it may have replaced; natives.ts).
    const run = async (): Promise<{ sessionId: string }> => {
      try {
        const known = options.conversationId ?? config.conversationId;
        const conversationId = known ?? (options.chatSDK ? await conversationOf(options.chatSDK) : null);
        const started = await CustomerSession.start(config.origin, widget, { conversationId, tenant: config.tenant, pairingKey: pairingOffered() });
        session = started;
        return { sessionId: started.sessionId };
      } catch (error: unknown) {
        widget.showProblem(error instanceof ApiError ? error.message : "Co-browse could not start. Try again.");
        throw error;
      }
    };
    starting = run().finally(() => {
      starting = null;
    });
    return starting;
  };
  const exit = (): void => {
    session?.exit();
    session = null;
  };
  const widget = new Widget(config.showButton, () => void start().catch(() => undefined), exit);
  const mount = (): void => {
    widget.mount();
    if (config.showButton) mountShareLink(config.origin);
    session = CustomerSession.resume(config.origin, widget, config.tenant);
    // A session the customer starts in another tab of the site reaches this one too.
    natives().listen<StorageEvent>(window, "storage", (event) => {
      if (event.key !== STORAGE_KEY || starting !== null || (session !== null && !session.ended)) return;
      const stored = readStored(event.newValue);
      if (stored !== null && stored.sessionId !== session?.sessionId) session = CustomerSession.resume(config.origin, widget, config.tenant, stored);
    });
  };
  if (document.readyState === "loading") natives().listen(document, "DOMContentLoaded", mount, { once: true });
  else mount();
  if (config.pairing === "auto") offerPairing();
  return { startCobrowse: start, exit, pairingContext };
}

/** In a frame, the page is part of whatever session its parent runs (`framechild.ts`): no
 * session, widget or share link of its own. */
function installFramed(config: ScriptConfig): DuetApi {
  new FrameChild(config.origin, config.tenant);
  const refuse = (): Promise<never> => Promise.reject(new Error("Co-browse starts from the page that frames this one."));
  return { startCobrowse: refuse, exit: () => undefined, pairingContext };
}

if (window.Duet === undefined) {
  // The browser's own functions are taken now, before the page can replace any more of them.
  natives();
  const config = readConfig(document.currentScript as HTMLScriptElement | null);
  window.Duet = window.parent === window ? install(config) : installFramed(config);
}
