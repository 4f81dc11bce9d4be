// Tiny DOM helpers shared by the bundles (no framework).

type Attributes = Record<string, string | undefined>;

/** Creates an element with attributes (undefined ones skipped) and children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: Array<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** Finds an element by its `data-testid`, or throws naming it. */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const found = root.querySelector<T>(`[data-testid="${id}"]`);
  if (found === null) throw new Error(`The page has no element with data-testid="${id}".`);
  return found;
}

/** Applies inline styles through the CSSOM (allowed under a strict style CSP). */
export function style(node: HTMLElement, rules: Partial<CSSStyleDeclaration>): void {
  Object.assign(node.style, rules);
}
