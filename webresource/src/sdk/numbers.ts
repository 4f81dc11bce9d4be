// Card numbers and IBANs in any text, found by their checksums (Luhn, mod-97), and the digit runs
// a card number shows while it is typed, before it is whole.

/** Fewest and most digits of a payment card number (ISO/IEC 7812). */
const CARD_DIGITS = { min: 13, max: 19 } as const;
/** Shortest and longest IBAN, in characters without spaces (Norway 15, Saint Lucia 32, the standard's 34). */
const IBAN_CHARS = { min: 15, max: 34 } as const;
/** Digits in a row from which a value being typed may be the start of a card number (see `masking.ts`). */
export const TYPED_CARD_DIGITS = 4;

/** Groups of digits, each parted from the next by one space, no-break space or dash. */
const DIGIT_RUN = /\d+(?:[ \u00a0-]\d+)*/g;
/** What parts the groups of a digit run. */
const RUN_SEPARATOR = /[ \u00a0-]/;
/** A country code, two check digits, then capitals and digits in groups parted by one space. */
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}[A-Z\d]*(?:[ \u00a0][A-Z\d]+)*/g;
/** What parts the groups of an IBAN. */
const IBAN_SEPARATOR = /[ \u00a0]/;
/** What any card number (13 digits or more, with separators) or IBAN (country and check digits) shows. */
const MAY_HOLD_CARD_OR_IBAN = new RegExp(`\\d[\\d \\u00a0-]{${CARD_DIGITS.min - 2},}\\d|[A-Z]{2}\\d{2}`);
/** `TYPED_CARD_DIGITS` digits in a row, single separators allowed between them. */
const TYPED_CARD_RUN = new RegExp(`\\d(?:[ \\u00a0-]?\\d){${TYPED_CARD_DIGITS - 1}}`);

/** Whether `digits` (digits only) pass the Luhn check every card number passes. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Whether `compact` (capitals and digits, no spaces) is an IBAN by ISO 13616's mod-97 check. */
export function ibanValid(compact: string): boolean {
  if (compact.length < IBAN_CHARS.min || compact.length > IBAN_CHARS.max) return false;
  if (!/^[A-Z]{2}\d{2}[A-Z\d]+$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= "A" ? char.charCodeAt(0) - 55 : char.charCodeAt(0) - 48;
    remainder = (value > 9 ? remainder * 100 + value : remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** Whether `text` holds a Luhn-valid card number or a valid IBAN anywhere. */
export function holdsCardOrIban(text: string): boolean {
  return sensitiveSpans(text).length > 0;
}

/** `text` with each digit run holding a card number, and each IBAN, replaced by `mask`; `text`
 * itself (the same string) when it holds neither. */
export function redactCardsAndIbans(text: string, mask: string): string {
  const spans = sensitiveSpans(text);
  return spans.length === 0 ? text : replaceSpans(text, spans, mask);
}

/** Whether `text` has `TYPED_CARD_DIGITS` or more digits in a row (single separators allowed). */
export function hasTypedCardRun(text: string): boolean {
  return TYPED_CARD_RUN.test(text);
}

// A run may join a card number to digits around it ("4111 1111 1111 1111 123" with its code), so
// every sequence of whole groups is tried, not just the run. A run without separators is one
// number: its windows are not tried (one in ten of them would pass Luhn by chance).
function runHoldsCard(run: string): boolean {
  const groups = run.split(RUN_SEPARATOR);
  for (let first = 0; first < groups.length; first += 1) {
    let digits = "";
    for (let last = first; last < groups.length; last += 1) {
      digits += groups[last];
      if (digits.length > CARD_DIGITS.max) break;
      if (digits.length >= CARD_DIGITS.min && luhnValid(digits)) return true;
    }
  }
  return false;
}

/** Characters of the longest valid IBAN at the start of `candidate` (ending at a group's end), or 0. */
function ibanLength(candidate: string): number {
  const ends: number[] = [];
  for (let at = 0; at <= candidate.length; at += 1) {
    if (at === candidate.length || IBAN_SEPARATOR.test(candidate.charAt(at))) ends.push(at);
  }
  for (const end of ends.reverse()) {
    if (ibanValid(candidate.slice(0, end).replace(/[ \u00a0]/g, ""))) return end;
  }
  return 0;
}

// Runs for every text node and value rrweb records, so one quick pattern turns away text that
// could hold neither (most of a page), before the two that find them.
function sensitiveSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  if (!MAY_HOLD_CARD_OR_IBAN.test(text)) return spans;
  for (const run of text.matchAll(DIGIT_RUN)) {
    if (runHoldsCard(run[0])) spans.push([run.index, run.index + run[0].length]);
  }
  for (const candidate of text.matchAll(IBAN_CANDIDATE)) {
    const length = ibanLength(candidate[0]);
    if (length > 0) spans.push([candidate.index, candidate.index + length]);
  }
  return spans;
}

/** Overlapping spans (an IBAN's digits may also pass as a card) become one mask. */
function replaceSpans(text: string, spans: [number, number][], mask: string): string {
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    if (start >= at) out += text.slice(at, start) + mask;
    at = Math.max(at, end);
  }
  return out + text.slice(at);
}
