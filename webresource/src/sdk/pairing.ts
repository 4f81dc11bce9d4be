// Pairing without a code: on a page with Omnichannel's live chat widget, the script makes a
// pairing key for this tab and puts it into the chat's context (`DuetPairingKey`) before the
// chat starts; a co-browse session started later carries the key, and the agent's app tab,
// which reads the conversation's context items, finds the session by it. The key never leaves
// the customer's browser except to Duet (hashed there) and to the chat's context.

import { natives } from "../natives";

/** The context variable the widget's context provider returns. */
export const PAIRING_VARIABLE = "DuetPairingKey";
const STORAGE_KEY = "duet.pairing";

/** The part of Omnichannel's live chat widget SDK Duet uses. */
interface LiveChatWidgetSdk {
  setContextProvider(provider: () => Record<string, { value: string; isDisplayable: boolean }>): void;
}

/** The part of `@microsoft/omnichannel-chat-sdk` Duet uses. */
export interface ChatSdk {
  getConversationDetails(): Promise<{ conversationId?: string } | undefined>;
}

declare global {
  interface Window {
    Microsoft?: { Omnichannel?: { LiveChatWidget?: { SDK?: LiveChatWidgetSdk } } };
  }
}

/** This tab's pairing key (made once, kept for the tab's life). */
export function pairingKey(): string {
  const stored = natives().storageGet(sessionStorage, STORAGE_KEY);
  if (stored !== null && /^[0-9a-f]{32}$/.test(stored)) return stored;
  const bytes = natives().randomBytes(16);
  const key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  natives().storageSet(sessionStorage, STORAGE_KEY, key);
  return key;
}

/** The context a site with its own context provider merges into what it returns. */
export function pairingContext(): Record<string, { value: string; isDisplayable: boolean }> {
  return { [PAIRING_VARIABLE]: { value: pairingKey(), isDisplayable: false } };
}

/** Sets the live chat widget's context provider to the pairing context, now if the widget is
 * there, else when it says it is ready (`lcw:ready`). Returns whether the page has a widget. */
export function offerPairing(): void {
  const install = (): boolean => {
    const sdk = window.Microsoft?.Omnichannel?.LiveChatWidget?.SDK;
    if (sdk === undefined || typeof sdk.setContextProvider !== "function") return false;
    sdk.setContextProvider(pairingContext);
    return true;
  };
  if (!install()) natives().listen(window, "lcw:ready", () => void install(), { once: true });
}

/** Whether this tab offered a pairing key to a chat (so a session should carry it). */
export function pairingOffered(): string | null {
  return natives().storageGet(sessionStorage, STORAGE_KEY);
}

/** The conversation id a chat SDK knows, if any. */
export async function conversationOf(chatSdk: ChatSdk): Promise<string | null> {
  try {
    const details = await chatSdk.getConversationDetails();
    const id = details?.conversationId?.trim() ?? "";
    return id === "" ? null : id;
  } catch {
    return null;
  }
}
