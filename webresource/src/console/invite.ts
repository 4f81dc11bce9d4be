// The agent's invitation: one click posts a message into the conversation asking the customer
// to share their page (through the app tab and Omnichannel's `sendMessageToConversation`, when
// the workspace offers it); otherwise the text is shown, selected, for the agent to paste.

import { byTestId } from "../dom";
import type { ParentBridge } from "./bridge";

/** What the customer reads in the chat. */
export const INVITATION =
  "I'd like to see the page you're on so I can guide you. Click \"Browse with agent\" on our website and read me the code it shows, or just allow it if it asks; you can stop at any time.";

/** Wires the invite button of the join panel. */
export function wireInvite(bridge: ParentBridge): void {
  const button = byTestId<HTMLButtonElement>("agent-invite");
  const copy = byTestId<HTMLTextAreaElement>("agent-invite-text");
  const status = byTestId("agent-invite-status");
  button.addEventListener("click", () => {
    button.disabled = true;
    void bridge.invite(INVITATION).then((sent) => {
      button.disabled = false;
      copy.hidden = sent;
      status.textContent = sent ? "Invitation sent to the conversation." : "Copy this invitation into the conversation:";
      if (!sent) {
        copy.value = INVITATION;
        copy.select();
      }
    });
  });
}
