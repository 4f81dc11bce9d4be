// The demo shop's stand-in for Omnichannel's live chat widget (`?chat=widget`): it offers the
// widget SDK's `setContextProvider`, and "Start chat" hands the context to the demo, which
// answers the agent's app tab with it as the conversation's context items, as an org would.

import { byTestId } from "../dom";

type ContextProvider = () => Record<string, { value: string; isDisplayable: boolean }>;

/** Installs the stand-in widget SDK (before the customer script loads) and its chat button. */
export function standInChatWidget(conversation: string): void {
  let provider: ContextProvider | null = null;
  window.Microsoft = { Omnichannel: { LiveChatWidget: { SDK: { setContextProvider: (given: ContextProvider) => (provider = given) } } } };
  const start = byTestId<HTMLButtonElement>("shop-chat-start");
  const status = byTestId("shop-chat-status");
  start.addEventListener("click", () => {
    start.disabled = true;
    const context = provider?.() ?? {};
    const path = `/demo/chat/${encodeURIComponent(conversation)}/context`;
    fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(context) })
      .then((response) => {
        status.textContent = response.ok ? "Chat started. An agent will be with you shortly." : "The chat could not start.";
      })
      .catch(() => (status.textContent = "The chat could not start."));
  });
}
