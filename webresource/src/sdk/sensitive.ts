// Form fields that say they hold a secret: payment cards, security codes, IBANs, national ids,
// PINs, one-time codes, passwords shown as text. Read from what a field says about itself: its
// autocomplete tokens, name, id, labels, aria-label(ledby) and placeholder.

import { labelsOf } from "./labels";

/** What a sensitive field's description says, in `words()` form (lower case, single spaces, no
 * punctuation), so "ccNumber", "cc-number" and "CC_NUMBER" all read "cc number". `\b` keeps
 * words whole: "pin" is not found in "spinner", "opinion" or "shipping", nor "ssn" in "lessons". */
const SENSITIVE_WORDS: readonly RegExp[] = [
  // Card numbers: "card number", "credit card no", "cardnumber", "cc num", "PAN number".
  /\b(?:(?:credit|debit|payment|gift) ?)?card ?(?:num(?:ber)?|no|nr)\b|\bcc ?(?:num(?:ber)?|no)\b|\b(?:credit|debit) ?card\b|\bpan ?(?:number|no)\b/,
  // Security codes: CVV, CVC, CSC, CVN (with or without a 2), "security code", "card verification value".
  /\b(?:cvv|cvc|csc|cvn|cvd)2?\b|\bsecurity ?code\b|\bcard ?(?:verification|validation) ?(?:code|value|number)\b/,
  // IBANs and bank account numbers.
  /\biban\b|\bbank ?account ?(?:number|no|num)\b/,
  // National ids: SSN, social security or insurance, national id or insurance, tax id, passport, driving licence.
  /\bssn\b|\bsocial ?(?:security|insurance)\b|\bnational ?(?:id|identity|identification|insurance)\b|\btax ?(?:payer ?)?(?:id|identification|number|no)\b|\btin\b|\bpassport\b|\bdriv(?:er|ing) ?s? ?licen[cs]e\b/,
  // PINs, one-time codes, and passwords in a text field (a "show password" button makes one).
  /\bpin(?: ?(?:code|number|no))?\b|\bpass ?(?:word|code|phrase)\b|\bpwd\b|\botp\b|\bone ?time ?(?:code|password|passcode|pin)\b|\b(?:verification|sms|auth(?:entication)?) ?code\b/,
];

/** What the attributes of a field that describes a secret contain, as case-insensitive
 * substrings: a superset of `SENSITIVE_WORDS` for CSS, so the widget asks the browser for the few
 * candidate fields instead of reading every field of the page. */
const HINT_STEMS = [
  "card", "cc", "pan", "cv", "csc", "secur", "verif", "iban", "bank", "ssn", "social", "nation", "tax", "tin",
  "pass", "driv", "pin", "pwd", "otp", "one", "sms", "auth",
];
/** `HINT_STEMS` as one pattern: a description without any is not read further. */
const HINT_PATTERN = new RegExp(HINT_STEMS.join("|"), "i");
/** The autocomplete tokens `secretAutocomplete` reads, as substrings. */
const HINT_AUTOCOMPLETE = ["cc-", "one-time-code", "password"];
/** Attributes (besides autocomplete) that `describesSecret` reads. */
const HINT_ATTRIBUTES = ["name", "id", "placeholder", "aria-label"];
/** Fields that may describe a secret (to be confirmed by `describesSecret`), passwords, and fields
 * labelled by other elements: one compound selector, so the browser checks the tag first. */
export const HINTED_FIELDS_SELECTOR = `:is(input, textarea, select):is(${[
  "[type=password]",
  "[data-rr-is-password]",
  "[aria-labelledby]",
  ...HINT_AUTOCOMPLETE.map((token) => `[autocomplete*="${token}" i]`),
  ...HINT_ATTRIBUTES.flatMap((attribute) => HINT_STEMS.map((stem) => `[${attribute}*="${stem}" i]`)),
].join(", ")})`;

/** autocomplete tokens whose field holds no card number, so a number typed there is not one (see `masking.ts`). */
const NOT_CARD_AUTOCOMPLETE = /^(?:email|username|url|tel(?:-.+)?|postal-code|street-address|address-line\d|address-level\d|bday(?:-.+)?)$/;
/** Input types people type free text into (and so a card number, by mistake or on purpose). */
const FREE_TEXT_TYPES: ReadonlySet<string> = new Set(["text", "search", "tel", "number"]);

/** Whether `field`'s autocomplete tokens name a secret: any `cc-*` (payment card) token,
 * `one-time-code`, or a `*-password` (`current-password`, `new-password`). */
export function secretAutocomplete(field: Element): boolean {
  return autocompleteTokens(field).some(
    (token) => token.startsWith("cc-") || token === "one-time-code" || token.endsWith("-password"),
  );
}

/** Whether `field` says it holds a secret, by its autocomplete tokens or by how it is described. */
export function describesSecret(field: Element): boolean {
  if (secretAutocomplete(field)) return true;
  return namesSecret(descriptions(field).join("\n"));
}

/** Whether a description ("Card number", "cc-csc", "ssn"; several on lines of their own) names a
 * secret. Runs for every field rrweb records, so most are turned away by one pattern first. */
export function namesSecret(description: string): boolean {
  if (!HINT_PATTERN.test(description)) return false;
  const text = description.split("\n").map(words).join("\n");
  return SENSITIVE_WORDS.some((pattern) => pattern.test(text));
}

/** Whether someone could type a card number into `field` key by key: a textarea or a free-text
 * input that does not declare, by its type or autocomplete, that it takes something else. */
export function takesTypedDigits(field: Element): boolean {
  // Tag names, not instanceof: rrweb records same-origin frames, whose elements are another
  // window's HTMLInputElement.
  if (field.tagName === "TEXTAREA") return true;
  if (field.tagName !== "INPUT" || !FREE_TEXT_TYPES.has((field as HTMLInputElement).type)) return false;
  return !autocompleteTokens(field).some((token) => NOT_CARD_AUTOCOMPLETE.test(token));
}

/** Lower case, camelCase and acronyms split, every run of punctuation one space. */
export function words(text: string): string {
  return text
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .replace(/[^a-z\d]+/g, " ");
}

function autocompleteTokens(field: Element): string[] {
  return (field.getAttribute("autocomplete") ?? "").toLowerCase().split(/\s+/);
}

/** The text of the elements `field`'s aria-labelledby names, or "". */
export function labelledByText(field: Element): string {
  const ids = field.getAttribute("aria-labelledby")?.split(/\s+/) ?? [];
  const root = field.getRootNode();
  if (ids.length === 0 || !("getElementById" in root)) return "";
  const scope = root as Document | ShadowRoot;
  return ids.map((id) => (id === "" ? "" : (scope.getElementById(id)?.textContent ?? ""))).join(" ").trim();
}

function descriptions(field: Element): string[] {
  const texts = ["name", "id", "aria-label", "placeholder"].map((name) => field.getAttribute(name) ?? "");
  for (const label of labelsOf(field)) texts.push(label.textContent ?? "");
  texts.push(labelledByText(field));
  return texts.filter((text) => text !== "");
}
