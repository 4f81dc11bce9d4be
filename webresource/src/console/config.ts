// The console's settings, passed by templates/console.html as data-* attributes on <body>.

/** How the console was opened. */
export interface ConsoleConfig {
  /** Duet's origin (the console's own). */
  origin: string;
  mode: "cobrowse" | "screenshare";
  /** The Omnichannel conversation, for one-click joins; may be empty. */
  conversation: string;
  /** The app tab's origin, the only one the console posts to; empty when not framed by it. */
  parentOrigin: string;
  /** Whether development sign-in (a name, no password) is on. */
  devSignin: boolean;
  /** Whether agents sign in with Microsoft Entra ID (a popup on Duet's own origin). */
  entra: boolean;
  /** The pairing key the app tab read from the conversation's context (`#pairing=`), or "". */
  pairing: string;
  /** The session a supervisor steps into from their page (`#stepin=`), or "". */
  stepIn: string;
}

/** Reads the settings from <body>. */
export function readConfig(body: HTMLElement = document.body): ConsoleConfig {
  const data = body.dataset;
  return {
    origin: location.origin,
    mode: data["mode"] === "screenshare" ? "screenshare" : "cobrowse",
    conversation: (data["conversation"] ?? "").trim(),
    parentOrigin: validOrigin(data["parentOrigin"] ?? ""),
    devSignin: data["devSignin"] === "true",
    entra: data["entra"] === "true",
    pairing: pairingOf(location.hash),
    stepIn: stepInOf(location.hash),
  };
}

/** The `pairing` of the URL's fragment when it looks like a key (never sent to any server by
 * the browser, so it stays out of logs and referrers), else "". */
function pairingOf(hash: string): string {
  const key = new URLSearchParams(hash.replace(/^#/, "")).get("pairing") ?? "";
  return /^[A-Za-z0-9_-]{16,128}$/.test(key) ? key : "";
}

/** The nine-digit session of the URL's fragment `stepin=`, else "". */
function stepInOf(hash: string): string {
  const id = new URLSearchParams(hash.replace(/^#/, "")).get("stepin") ?? "";
  return /^\d{9}$/.test(id) ? id : "";
}

function validOrigin(value: string): string {
  try {
    const url = new URL(value);
    return url.origin === "null" ? "" : url.origin;
  } catch {
    return "";
  }
}
