// share.js, the customer's screen-share page (templates/share.html): key, who asks, accept or
// decline, then the share itself (share/customer.ts).

import { ApiError, callApi } from "../api";
import { byTestId } from "../dom";
import { CustomerShare, type FoundShare, type ShareView } from "./customer";

/** Security keys are six digits. */
const KEY = /^\d{6}$/;

const keyForm = document.getElementById("share-key-form") as HTMLFormElement;
const keyInput = byTestId<HTMLInputElement>("share-key");
const submit = byTestId<HTMLButtonElement>("share-submit");
const ask = document.getElementById("share-ask") as HTMLElement;
const askText = byTestId("share-ask");
const accept = byTestId<HTMLButtonElement>("share-accept");
const decline = byTestId<HTMLButtonElement>("share-decline");
const live = document.getElementById("share-live") as HTMLElement;
const again = byTestId<HTMLButtonElement>("share-again");
const stopButton = byTestId<HTMLButtonElement>("share-stop");
const status = byTestId("share-status");
const errorBox = byTestId("share-error");
const preferCurrentTab = document.body.dataset["preferCurrentTab"] === "true";

let share: CustomerShare | null = null;

function showError(text: string): void {
  errorBox.textContent = text;
  errorBox.hidden = text === "";
}

const view: ShareView = {
  state(state, text) {
    if (state === "choosing") showError("");
    status.dataset["state"] = state;
    status.textContent = text;
  },
  problem(text, canChooseAgain) {
    showError(text);
    if (canChooseAgain) {
      ask.hidden = true;
      live.hidden = false;
      again.hidden = false;
    }
  },
  sharing() {
    showError("");
    ask.hidden = true;
    live.hidden = false;
    again.hidden = true;
  },
  ended() {
    ask.hidden = true;
    live.hidden = true;
    keyForm.hidden = false;
    submit.disabled = false;
    keyInput.value = "";
    share = null;
  },
};

async function lookUp(event: Event): Promise<void> {
  event.preventDefault();
  const key = keyInput.value.replace(/\s+/g, "");
  if (!KEY.test(key)) {
    showError("The key is six digits. Ask your agent to read it out again.");
    return;
  }
  submit.disabled = true;
  showError("");
  try {
    const found = await callApi<FoundShare>(location.origin, "/api/screenshare/lookup", { body: { key } });
    share = new CustomerShare(found, location.origin, view, preferCurrentTab);
    keyForm.hidden = true;
    askText.textContent = `${found.agentName} from support wants to see your screen.`;
    ask.hidden = false;
    view.state("pending", "Accept to choose what to share, or decline.");
  } catch (error) {
    submit.disabled = false;
    showError(error instanceof ApiError ? error.message : String(error));
  }
}

keyForm.addEventListener("submit", (event) => void lookUp(event));
accept.addEventListener("click", () => share?.accept());
again.addEventListener("click", () => share?.accept());
decline.addEventListener("click", () => share?.stop("You declined. Nothing was shared."));
stopButton.addEventListener("click", () => share?.stop("You stopped sharing your screen."));
keyInput.focus();
