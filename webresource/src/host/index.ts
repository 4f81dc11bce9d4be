// host.js, the demo Omnichannel agent desktop: opens the app tab like Omnichannel's
// conversation control does, logs the events the app tab dispatches, ends the conversation.

import { ApiError, callApi } from "../api";
import { byTestId, element } from "../dom";

/** The events Omnichannel listens for on its window. */
export const HOST_EVENTS = [
  "CobrowseConnectedEvent",
  "CobrowseEndedEvent",
  "ScreenShareConnectedEvent",
  "ScreenShareEndedEvent",
] as const;
/** Where the console keeps the agent's sign-in (same origin in the demo). */
const AGENT_STORAGE_KEY = "duet.agent";
const DEMO_AGENT_NAME = "Demo agent";

const conversation = document.body.dataset["conversation"] ?? "";
const tabs = byTestId("host-tabs");
const log = byTestId("host-events");
const notice = byTestId("host-notice");

function openTab(page: "cobrowse" | "screenshare"): void {
  closeTab();
  const data = encodeURIComponent(JSON.stringify({ conversationId: conversation }));
  const frame = element("iframe", {
    "data-testid": "host-apptab",
    title: page === "cobrowse" ? "Co-browse" : "Screen share",
    src: `/webresource/${page}.html?data=${data}`,
    allow: "display-capture; autoplay",
  });
  tabs.replaceChildren(frame);
}

// Like closing a tab: navigate away first so the page's beforeunload runs, then remove it.
function closeTab(): void {
  const frame = tabs.querySelector("iframe");
  if (frame === null) return;
  frame.addEventListener("load", () => frame.remove(), { once: true });
  frame.src = "about:blank";
}

async function agentToken(): Promise<string> {
  const stored = sessionStorage.getItem(AGENT_STORAGE_KEY);
  if (stored !== null) {
    const parsed = JSON.parse(stored) as { token?: unknown };
    if (typeof parsed.token === "string") return parsed.token;
  }
  const agent = await callApi<{ token: string }>(location.origin, "/api/agent/signin", { body: { name: DEMO_AGENT_NAME } });
  return agent.token;
}

async function endConversation(): Promise<void> {
  try {
    const token = await agentToken();
    const path = `/api/conversations/${encodeURIComponent(conversation)}/end`;
    const result = await callApi<{ ended: string[] }>(location.origin, path, { method: "POST", token });
    notice.textContent = result.ended.length === 0 ? "Conversation ended." : `Conversation ended, with session ${result.ended.join(", ")}.`;
  } catch (error) {
    notice.textContent = error instanceof ApiError ? error.message : String(error);
  }
}

// Omnichannel's client API as the app tab finds it on window.top: a message posted into the
// conversation appears in the transcript.
const chat = byTestId("host-chat");
(window as unknown as { Microsoft: unknown }).Microsoft = {
  Omnichannel: {
    sendMessageToConversation: (text: string): Promise<void> => {
      chat.append(element("li", {}, [`Agent: ${text}`]));
      return Promise.resolve();
    },
  },
};

for (const name of HOST_EVENTS) {
  window.addEventListener(name, () => log.append(element("li", {}, [name])));
}
byTestId("host-cobrowse").addEventListener("click", () => openTab("cobrowse"));
byTestId("host-screenshare").addEventListener("click", () => openTab("screenshare"));
byTestId("host-close-tab").addEventListener("click", closeTab);
byTestId("host-end-conversation").addEventListener("click", () => void endConversation());
