// The customer script's "Share my screen" link to Duet's share page, where the customer enters
// the key the agent reads out.

import { element, style } from "../dom";

/** Adds a small link to `origin`/share in the page's bottom-left corner. */
export function mountShareLink(origin: string): HTMLAnchorElement {
  const link = element("a", {
    "data-duet-ui": "",
    "data-testid": "duet-share-link",
    href: `${origin}/share`,
    target: "_blank",
    rel: "noopener",
  }, ["Share my screen"]);
  style(link, {
    position: "fixed", left: "16px", bottom: "16px", zIndex: "2147483646", padding: "6px 10px",
    font: "13px/1.4 system-ui, sans-serif", color: "#0f6cbd", background: "#fff",
    border: "1px solid #0f6cbd", borderRadius: "6px", textDecoration: "none",
  });
  document.body.append(link);
  return link;
}
