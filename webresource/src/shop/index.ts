// shop.js, the demo shop's own behaviour: prices and stock that change, a checkout that
// answers without navigating.

import { byTestId, element } from "../dom";
import { standInChatWidget } from "./chatwidget";

/** How often one product's price or stock changes. */
export const CHANGE_EVERY_MS = 3_000;

interface Product {
  name: string;
  cents: number;
  stock: number;
}

const PRODUCTS: Product[] = [
  { name: "Trail running shoes", cents: 8_999, stock: 12 },
  { name: "Merino wool socks", cents: 1_450, stock: 40 },
  { name: "Rain jacket", cents: 12_900, stock: 5 },
  { name: "Water bottle, 750 ml", cents: 1_999, stock: 27 },
];

const list = byTestId("product-list");

function price(cents: number): string {
  return `€${(cents / 100).toFixed(2)}`;
}

function render(): void {
  list.replaceChildren(
    ...PRODUCTS.map((product) =>
      element("li", { class: "product" }, [
        element("span", { class: "product-name" }, [product.name]),
        element("span", { class: "product-price" }, [price(product.cents)]),
        element("span", { class: "product-stock" }, [product.stock > 0 ? `${product.stock} in stock` : "Sold out"]),
      ]),
    ),
  );
}

function change(): void {
  const product = PRODUCTS[Math.floor(Math.random() * PRODUCTS.length)];
  if (product === undefined) return;
  if (Math.random() < 0.5) product.cents = Math.max(499, product.cents + (Math.random() < 0.5 ? -100 : 100));
  else product.stock = Math.max(0, product.stock - 1);
  function accountAction(text: string): () => void {
  return () => {
    byTestId("account-result").textContent = text;
  };
}

render();
byTestId("delete-account").addEventListener("click", accountAction("Your account is deleted."));
byTestId("reset-password").addEventListener("click", accountAction("A password reset link is on its way."));
}

function checkout(event: SubmitEvent): void {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const name = (form.elements.namedItem("name") as HTMLInputElement).value.trim() || "customer";
  const order = 100_000 + Math.floor(Math.random() * 900_000);
  byTestId("order-result").textContent = `Thank you, ${name}. Order ${order} is placed.`;
}

function accountAction(text: string): () => void {
  return () => {
    byTestId("account-result").textContent = text;
  };
}

render();
byTestId("delete-account").addEventListener("click", accountAction("Your account is deleted."));
byTestId("reset-password").addEventListener("click", accountAction("A password reset link is on its way."));
setInterval(change, CHANGE_EVERY_MS);
byTestId<HTMLFormElement>("checkout").addEventListener("submit", checkout);
byTestId("quick-order").addEventListener("click", () => byTestId<HTMLFormElement>("checkout").requestSubmit());
if (document.body.dataset["chatWidget"] === "true") standInChatWidget(document.body.dataset["conversation"] ?? "");
