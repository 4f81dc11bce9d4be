// Duet's own guesses about what must not leave the customer's browser (webresource/src/sdk/
// masking.ts, sensitive.ts, numbers.ts): card, security code, IBAN, national id and PIN fields by
// what they say they are, card numbers and IBANs by their checksums wherever they are, and a card
// number typed key by key into any plain field, none of whose digits in fours may leave.

import assert from "node:assert/strict";
import { after, test } from "node:test";
import { joinByCode, newConversation, openAgent, useDuet, waitUntil } from "./support/duet.mjs";
import { frameTexts } from "./support/domframes.mjs";
import { sdkTag, startFixtureServer } from "./support/fixtures.mjs";
import { loadModules } from "./support/modules.mjs";

/** What every masked value becomes (webresource/src/sdk/masking.ts). */
const MASK = "••••••";
/** Time given to a late frame to go out before we say none carries a secret. */
const SETTLE_MS = 1_000;
/** Delay between the customer's keys, so each key is its own input event and frame. */
const KEY_DELAY_MS = 25;

const TYPED_CARD = "4111 1111 1111 1111";
const REFERENCE_CARD = "5555 5555 5555 4444";
const NOTES_CARD = "3714 496353 98431";
const HIDDEN_CARD = "5500 0000 0000 0004";
const TEXT_CARD = "3782 822463 10005";
const TEXT_IBAN = "GB82 WEST 1234 5698 7654 32";
const MASKED_NICKNAME = "Nick-Masked-Both-Ways";
const SHOWN = { name: "Ada Visible", gift: "GIFT-2468-ACE", pin: "PIN-1357-XYZ", text: "Visible-Checkout-Sentinel" };

const site = await startFixtureServer({ "/checkout.html": (url) => checkoutPage(url), "/blank.html": () => "<!DOCTYPE html><title>blank</title>" });
after(() => site.stop());

let duet;
let browser;
useDuet({ env: { DUET_ALLOWED_ORIGINS: site.origin, DUET_UNMASK_SELECTORS: "#order-pin" } }, (started) => ({ duet, browser } = started));

const settle = () => new Promise((done) => setTimeout(done, SETTLE_MS));

test("card and security code fields without hints, and card numbers typed key by key into plain fields, send no four digits of the number", async () => {
  const { customer, agent, sent, received } = await watchedCheckout();
  const field = (id) => customer.page.locator(`#${id}`);

  await field("full-name").fill(SHOWN.name);
  await field("cc-number").pressSequentially(TYPED_CARD, { delay: KEY_DELAY_MS });
  await field("cc-cvv").pressSequentially("737", { delay: KEY_DELAY_MS });
  await field("reference").pressSequentially(REFERENCE_CARD, { delay: KEY_DELAY_MS });
  await field("notes").pressSequentially(`Card ${NOTES_CARD}`, { delay: KEY_DELAY_MS });
  await field("gift-card-number").fill(SHOWN.gift);
  await field("order-pin").fill(SHOWN.pin);
  await field("nickname").fill(MASKED_NICKNAME);

  const mirrorValue = (id) => agent.mirror.locator(`#${id}`).inputValue({ timeout: 1_000 });
  await waitUntil("the last field in the mirror", async () => (await mirrorValue("nickname")) === MASK);
  await waitUntil("the unmasked fields in the mirror", async () => (await mirrorValue("order-pin")) === SHOWN.pin);
  await settle();
  for (const id of ["cc-number", "cc-cvv", "reference", "notes", "nickname"]) assert.equal(await mirrorValue(id), MASK, `#${id} in the mirror`);
  assert.equal(await mirrorValue("full-name"), SHOWN.name);
  assert.equal(await mirrorValue("gift-card-number"), SHOWN.gift, "a card-like field the site unmasked is shown");

  const [sentTexts, receivedTexts] = [frameTexts(sent), frameTexts(received)];
  for (const shown of [SHOWN.name, SHOWN.gift, SHOWN.pin]) assert.ok(sentTexts.some((text) => text.includes(shown)), `no frame carries ${shown}`);
  for (const number of [TYPED_CARD, REFERENCE_CARD, NOTES_CARD]) {
    assertNoFourDigitsOf(sentTexts, number, "a frame the customer sent");
    assertNoFourDigitsOf(receivedTexts, number, "a frame the agent received");
    // The log's timestamps, ports and ids match four digits by chance; eight cannot.
    assertNoDigitsOf([duet.logs()], number, "the server's output", 8);
  }
  assert.ok(!sentTexts.some((text) => text.includes("737")), "the security code left the browser");
  assert.ok(!sentTexts.some((text) => text.includes(MASKED_NICKNAME)), "data-duet-mask lost to data-duet-unmask");

  const widget = (await customer.page.locator("[data-duet-ui]").allTextContents()).join(" ");
  const hidden = /Hidden from the agent: (.*)/.exec(widget)?.[1] ?? "";
  for (const name of ["Long number", "Three digits", "Reference", "Notes", "Nickname"]) assert.ok(hidden.includes(name), `the widget does not list ${name}: ${widget}`);
  for (const name of ["Full name", "Gift card", "Order PIN"]) assert.ok(!hidden.includes(name), `the widget lists ${name} as hidden: ${widget}`);
});

test("card numbers and IBANs in the page's text and in hidden inputs reach the agent as the mask, the text around them as it is", async () => {
  const { agent, sent } = await watchedCheckout();

  const paragraph = (id) => agent.mirror.locator(`#${id}`).textContent({ timeout: 1_000 });
  assert.equal(await paragraph("iban-text"), `Pay by transfer to ${MASK} within a week.`);
  assert.equal(await paragraph("card-text"), `Card on file: ${MASK} (Amex)`);
  assert.equal(await paragraph("plain-text"), `${SHOWN.text}, order 2024-0042`);
  await settle();
  const texts = frameTexts(sent);
  for (const number of [TEXT_CARD, HIDDEN_CARD]) assertNoFourDigitsOf(texts, number, "a frame the customer sent");
  for (const part of ["GB82", "WEST", "5698 7654"]) assert.ok(!texts.some((text) => text.includes(part)), `a frame carries ${part} of the IBAN`);
});

test("the guesses name card, security code, IBAN, national id, PIN and one-time code fields, and no spinner, opinion or shipping field", async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${site.origin}/blank.html`);
  await loadModules(page, "duetMasking", ["src/sdk/sensitive.ts", "src/sdk/numbers.ts", "src/sdk/masking.ts"]);
  const { wrong, hiddenNames } = await page.evaluate(guessCases);
  assert.deepEqual(wrong, []);
  // In page order; "comments" and "contact-email" for the card number they once held.
  const names = ["expiry", "field-b", "code", "secret-text", "Routing and IBAN", "Employee PIN", "comments", "contact-email", "ssn", "pw", "Card"];
  assert.deepEqual(hiddenNames, names);
});

/** The checkout page with a session an agent watches, and the frames each side saw. */
async function watchedCheckout() {
  const conversation = newConversation();
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const sent = [];
  page.on("websocket", (ws) => ws.on("framesent", (frame) => sent.push(frame.payload)));
  await page.goto(`${site.origin}/checkout.html?duet=${encodeURIComponent(duet.base)}&conversation=${conversation}`);
  await waitUntil("the customer script", () => page.evaluate(() => window.Duet !== undefined));
  const { sessionId } = await page.evaluate((id) => window.Duet.startCobrowse({ conversationId: id }), conversation);
  const agent = await openAgent(browser, duet.base, conversation);
  const received = [];
  agent.page.on("websocket", (ws) => ws.on("framereceived", (frame) => received.push(frame.payload)));
  await joinByCode(agent, sessionId);
  await waitUntil("the page in the mirror", () => agent.mirror.locator("#plain-text").count());
  return { customer: { page }, agent, sent, received };
}

/** Fails when any run of digits in `texts` (spaces or dashes between them ignored) holds four
 * digits in a row of `number`. */
function assertNoFourDigitsOf(texts, number, where) {
  assertNoDigitsOf(texts.flatMap(pageStrings), number, where, 4);
}

/** The strings of the customer's page a frame carries: every string in its rrweb events (typed
 * values, text, attributes). Numbers (node ids, positions, offsets) and other frames (the
 * welcome's session id, a token, states) are left out: they change every run and would match four
 * digits of a card number by chance, while anything the customer typed or the page shows is a
 * string. */
function pageStrings(text) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return [];
  }
  const events = Array.isArray(message) ? message : message?.type === "dom" ? message.events : [];
  const strings = [];
  const walk = (value) => {
    if (typeof value === "string") strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(events);
  return strings;
}

/** Up to 80 characters of `text` around the first digit run holding `piece`, for the message. */
function context(text, piece) {
  if (text === undefined) return "";
  const run = (text.match(/\d(?:[ -]?\d)*/g) ?? []).find((r) => r.replace(/\D/g, "").includes(piece)) ?? piece;
  const at = text.indexOf(run);
  return text.slice(Math.max(0, at - 40), at + run.length + 40);
}

/** Fails when `texts` hold `width` digits of `number` in a row (separators between them allowed). */
function assertNoDigitsOf(texts, number, where, width) {
  const digits = number.replace(/\D/g, "");
  const runs = texts.flatMap((text) => (text.match(/\d(?:[ -]?\d)*/g) ?? []).map((run) => run.replace(/\D/g, "")));
  for (let at = 0; at + width <= digits.length; at += 1) {
    const piece = digits.slice(at, at + width);
    const hit = texts.find((text) => (text.match(/\d(?:[ -]?\d)*/g) ?? []).some((run) => run.replace(/\D/g, "").includes(piece)));
    assert.ok(hit === undefined, `${where} holds ${piece}, ${width} digits of ${number} in a row: ${context(hit, piece)}`);
  }
}

/** Runs in the page: each heuristic against names and values it must and must not flag. Returns
 * the cases it got wrong, and what the widget lists on a small form. */
function guessCases() {
  const { namesSecret, describesSecret, holdsCardOrIban, redactCardsAndIbans, hasTypedCardRun, Masking } = window.duetMasking;
  const wrong = [];
  const expect = (what, got, want) => {
    if (got !== want) wrong.push(`${what}: got ${got}, want ${want}`);
  };
  const secretNames = [
    "Card number", "cc-number", "ccNumber", "CCNumber", "CARD_NUMBER", "cardnumber", "Credit card", "debit-card-no",
    "CVV", "cvc2", "cc-csc", "Security code", "Card verification value", "IBAN", "bank_account_number",
    "ssn", "userSSN", "Social security number", "National Insurance number", "national-id", "Tax ID", "taxpayerId",
    "Passport number", "Driver's licence", "PIN", "pin-code", "pinNumber", "One-time code", "otp", "SMS code", "password_text",
  ];
  const plainNames = [
    "spinner", "Opinion", "Shipping address", "shipping", "lessons", "Pinterest handle", "Passenger name", "Destination",
    "Discount code", "Cardholder name", "Notes", "Reference", "Postcode", "Phone", "Quantity", "cc", "Scorecard", "Pineapple",
  ];
  for (const name of secretNames) expect(`namesSecret(${name})`, namesSecret(name), true);
  for (const name of plainNames) expect(`namesSecret(${name})`, namesSecret(name), false);

  const form = document.createElement("form");
  form.innerHTML = `
    <input id="a" name="expiry" autocomplete="cc-exp"><input id="b" name="field-b" autocomplete="section-x billing cc-number">
    <input id="c" name="code" autocomplete="one-time-code"><input id="d" name="secret-text" type="text" autocomplete="current-password">
    <input id="e" autocomplete="email"><input id="f" autocomplete="postal-code">
    <span id="g-label">Routing and IBAN</span><input id="g" aria-labelledby="g-label"><input id="h" placeholder="Spinner speed">
    <label>Employee PIN <input id="i"></label><input id="j" name="passport_no" type="hidden"><textarea id="k" name="comments"></textarea>
    <input id="l" name="contact-email" type="email"><div id="m" data-duet-unmask><input id="n" name="card-number"></div>
    <input id="o" name="ssn" data-duet-unmask data-duet-mask><input id="p" name="pw" type="password" data-duet-unmask><input id="q" name="Card" autocomplete="cc-number"><input id="r" type="date">`;
  document.body.append(form);
  const field = (id) => document.getElementById(id);
  const described = { a: true, b: true, c: true, d: true, e: false, f: false, g: true, h: false, i: true, j: true, k: false };
  for (const [id, want] of Object.entries(described)) expect(`describesSecret(#${id})`, describesSecret(field(id)), want);
  // Labels are indexed (sdk/labels.ts): one added, or pointed elsewhere, counts at once, in the same task.
  const late = document.createElement("input");
  late.id = "late-field";
  form.append(late);
  expect("describesSecret(#late-field) before its label", describesSecret(late), false);
  const lateLabel = document.createElement("label");
  lateLabel.htmlFor = "late-field";
  lateLabel.textContent = "Card number";
  form.append(lateLabel);
  expect("describesSecret(#late-field) with its label", describesSecret(late), true);
  lateLabel.htmlFor = "e";
  expect("describesSecret(#late-field) once its label names another field", describesSecret(late), false);
  late.remove();
  lateLabel.remove();

  for (const [text, want] of [
    ["4111111111111111", true], ["Pay with 4111 1111 1111 1111 today", true], ["4111-1111-1111-1111", true],
    ["4111 1111 1111 1111 737", true], ["exp 12 27 4111 1111 1111 1111", true], ["3782 822463 10005", true],
    ["4111 1111 1111 1112", false], ["4111 1111 1111 111", false], ["Order 2024-0042", false], ["1234567890123456789012", false],
    [" GB82 WEST 1234 5698 7654 32 ", true], ["GB82WEST12345698765432", true], ["DE89 3704 0044 0532 0130 00", true],
    ["GB83 WEST 1234 5698 7654 32", false], ["AB12 CDEF", false], ["no digits at all", false],
  ]) expect(`holdsCardOrIban(${text})`, holdsCardOrIban(text), want);
  expect("redact", redactCardsAndIbans("IBAN GB82 WEST 1234 5698 7654 32 BY FRIDAY, card 4111 1111 1111 1111.", "#"), "IBAN # BY FRIDAY, card #.");
  for (const [text, want] of [["411", false], ["4111", true], ["41 11", true], ["4-1-1-1", true], ["Flat 12, 3rd floor", false], ["12.34", false]]) {
    expect(`hasTypedCardRun(${text})`, hasTypedCardRun(text), want);
  }

  const masking = new Masking({ mask_selectors: [], unmask_selectors: ["#h"], restricted_selectors: [], private_by_default: false, allow_selectors: [], share_sites: [], allowed_surfaces: [] });
  const typed = "4111 1111 1111 1111";
  const keys = [...typed].map((_, at) => masking.maskInput(typed.slice(0, at + 1), field("k")));
  expect("values typed key by key into a textarea", keys.map((value) => (value === "••••••" ? "#" : "_")).join(""), "___" + "#".repeat(typed.length - 3));
  expect("a postcode in a field that says so", masking.maskInput("94103", field("f")), "94103");
  expect("an e-mail address with digits", masking.maskInput("ada1815@example.com", field("l")), "ada1815@example.com");
  expect("a whole card number in an e-mail field", masking.maskInput("4111111111111111", field("l")), "••••••");
  expect("a date", masking.maskInput("2024-01-15", field("r")), "2024-01-15");
  expect("a card-named field in data-duet-unmask", masking.maskInput("4111 1111", field("n")), "4111 1111");
  expect("data-duet-mask and data-duet-unmask", masking.maskInput("x", field("o")), "••••••");
  expect("a password in data-duet-unmask", masking.maskInput("x", field("p")), "••••••");
  expect("an unmask_selectors field", masking.maskInput("1234 5678", field("h")), "1234 5678");
  expect("text with a card number", masking.maskText("Card 4111 1111 1111 1111 on file", form), "Card •••••• on file");
  expect("text in data-duet-unmask", masking.maskText("4111 1111 1111 1111", field("m")), "4111 1111 1111 1111");
  expect("the text selector", masking.textSelector, "*");
  field("k").value = "";
  return { wrong, hiddenNames: masking.hiddenFields(20, form).names };
}

/** A checkout page whose card fields carry no autocomplete and no telling label, a plain
 * reference field and notes, a card-like field the site unmasks, one `DUET_UNMASK_SELECTORS`
 * unmasks, and a card number and an IBAN in its text. */
function checkoutPage(url) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>checkout</title>
<style>label{display:block;margin-top:6px} input,textarea{width:280px}</style></head>
<body><h1>Checkout</h1>
<form onsubmit="return false">
  <label for="full-name">Full name</label><input id="full-name" name="full-name" type="text">
  <label for="cc-number">Long number</label><input id="cc-number" type="text">
  <label for="cc-cvv">Three digits</label><input id="cc-cvv" type="text">
  <label for="reference">Reference</label><input id="reference" name="reference" type="text">
  <label for="notes">Notes</label><textarea id="notes" name="notes"></textarea>
  <label for="gift-card-number">Gift card number</label><input id="gift-card-number" name="card_number" data-duet-unmask>
  <label for="order-pin">Order PIN</label><input id="order-pin" name="order-pin">
  <label for="nickname">Nickname</label><input id="nickname" name="nickname" data-duet-mask data-duet-unmask>
  <input type="hidden" name="card-copy" value="${HIDDEN_CARD}">
</form>
<p id="iban-text">Pay by transfer to ${TEXT_IBAN} within a week.</p>
<p id="card-text">Card on file: ${TEXT_CARD} (Amex)</p>
<p id="plain-text">${SHOWN.text}, order 2024-0042</p>
${sdkTag(url.searchParams.get("duet"), url.searchParams.get("conversation"))}</body></html>`;
}
