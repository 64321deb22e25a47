import { orNull } from "../../graphql/errors";
import { builder, dropNulls, MoneyRef } from "../../graphql/builder";
import { PriceSourceRef } from "../pricing/graphql";
import { ShippingOptionRef } from "../shipping/graphql";
import type { PriceSource } from "../pricing";
import type { Address, AppliedDiscount, Cart, CartLine, CreatedCart, Totals } from "./schemas";
import * as carts from "./service";

export const AddressRef = builder.objectRef<Address>("Address").implement({
  description: "A postal address. `country` (ISO 3166-1 alpha-2) decides shipping rate and tax.",
  fields: (t) => ({
    name: t.exposeString("name"),
    line1: t.exposeString("line1"),
    line2: t.exposeString("line2", { nullable: true }),
    city: t.exposeString("city"),
    postalCode: t.exposeString("postalCode"),
    region: t.exposeString("region", { nullable: true }),
    country: t.exposeString("country"),
    phone: t.exposeString("phone", { nullable: true }),
  }),
});

export const AddressInput = builder.inputType("AddressInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    line1: t.string({ required: true }),
    line2: t.string(),
    city: t.string({ required: true }),
    postalCode: t.string({ required: true }),
    region: t.string(),
    country: t.string({ required: true, description: "ISO 3166-1 alpha-2, e.g. DE." }),
    phone: t.string(),
  }),
});

type AddressArg = { [K in keyof Address]?: string | null | undefined } | null | undefined;
/** GraphQL nulls inside an address mean "absent"; a null address itself means "clear it". */
export function addressInput(address: AddressArg): Address | null | undefined {
  return address ? (dropNulls(address) as Address) : address;
}

export const TotalsRef = builder.objectRef<Totals>("Totals").implement({
  description:
    "Computed on the server by the pricing pipeline (docs/pricing.md): total = subtotal - discount + shipping (+ tax unless taxIncluded); amountDue = total - giftCards.",
  fields: (t) => ({
    subtotal: t.field({ type: MoneyRef, description: "Sum of unit price x quantity.", resolve: (x) => x.subtotal }),
    discount: t.field({ type: MoneyRef, description: "All discounts, lines and shipping.", resolve: (x) => x.discount }),
    shipping: t.field({ type: MoneyRef, description: "The shipping method's price before shipping discounts.", resolve: (x) => x.shipping }),
    tax: t.field({ type: MoneyRef, description: "Tax of lines and shipping; already inside the prices when taxIncluded.", resolve: (x) => x.tax }),
    taxIncluded: t.exposeBoolean("taxIncluded", { description: "Prices include tax (the market's setting, unless the shopper is tax exempt)." }),
    total: t.field({ type: MoneyRef, resolve: (x) => x.total }),
    giftCards: t.field({ type: MoneyRef, description: "Paid with gift cards and store credit.", resolve: (x) => x.giftCards }),
    amountDue: t.field({ type: MoneyRef, description: "What the payment must cover.", resolve: (x) => x.amountDue }),
  }),
});

export const AppliedDiscountRef = builder.objectRef<AppliedDiscount>("AppliedDiscount").implement({
  description: "A discount allocated to a line or to shipping, in the prices' tax mode.",
  fields: (t) => ({
    promotionId: t.exposeID("promotionId"),
    code: t.exposeString("code", { nullable: true }),
    amount: t.field({ type: MoneyRef, resolve: (d) => d.amount }),
  }),
});

const CartStatusEnum = builder.enumType("CartStatus", {
  values: {
    OPEN: { value: "open" },
    CHECKING_OUT: { value: "checking_out", description: "A checkout is running." },
    COMPLETED: { value: "completed", description: "Became an order." },
    MERGED: { value: "merged", description: "Merged into a customer's cart at sign-in." },
  } as const,
});

/** Cart lines always have these; order lines from before markets may not. */
type PurchaseLine = Omit<CartLine, "priceSource" | "tax" | "taxRate" | "available" | "unavailableReason"> & { priceSource: PriceSource | null; tax: CartLine["tax"] | null; taxRate: number | null };

/** What cart lines and order lines share; an order line is the cart line frozen at checkout. */
export const PurchaseLineRef = builder.interfaceRef<PurchaseLine>("PurchaseLine").implement({
  description: "A variant, a quantity and its price: resolved on every read for a cart line, frozen at checkout for an order line.",
  fields: (t) => ({
    id: t.exposeID("id"),
    variantId: t.exposeID("variantId"),
    productId: t.exposeID("productId"),
    sku: t.exposeString("sku"),
    title: t.exposeString("title"),
    quantity: t.exposeInt("quantity"),
    unitPrice: t.field({ type: MoneyRef, description: "The price that applies in the market (gross when its prices include tax).", resolve: (l) => l.unitPrice }),
    compareAtPrice: t.field({ type: MoneyRef, nullable: true, description: "The 'was' price, if any.", resolve: (l) => l.compareAtPrice }),
    priceSource: t.field({ type: PriceSourceRef, nullable: true, description: "Why this price (null for orders placed before markets).", resolve: (l) => l.priceSource }),
    discounts: t.field({ type: [AppliedDiscountRef], description: "Discounts allocated to this line.", resolve: (l) => l.discounts }),
    lineTotal: t.field({ type: MoneyRef, description: "unitPrice x quantity minus the line's discounts.", resolve: (l) => l.lineTotal }),
    tax: t.field({ type: MoneyRef, nullable: true, description: "Tax of this line, included or on top per totals.taxIncluded (null for orders placed before markets).", resolve: (l) => l.tax }),
    taxRate: t.exposeInt("taxRate", { nullable: true, description: "Basis points." }),
  }),
});

const UnavailableReasonEnum = builder.enumType("CartLineUnavailableReason", {
  description: "Why a cart line can no longer be bought.",
  values: {
    VARIANT_DELETED: { value: "variant_deleted", description: "The variant (or its product) was deleted." },
    PRODUCT_ARCHIVED: { value: "product_archived" },
    PRODUCT_DRAFT: { value: "product_draft", description: "The product went back to draft." },
  } as const,
});

const CartLineRef = builder.objectRef<CartLine>("CartLine").implement({
  description: "A variant and quantity in a cart. Its stock is held for the cart while the hold lasts.",
  interfaces: [PurchaseLineRef],
  fields: (t) => ({
    available: t.exposeBoolean("available", { description: "False when the line can no longer be bought: checkout refuses the cart (LINES_UNAVAILABLE) until it is removed." }),
    unavailableReason: t.field({ type: UnavailableReasonEnum, nullable: true, resolve: (l) => l.unavailableReason }),
  }),
});

export const CartMarketRef = builder.objectRef<Cart["market"]>("CartMarket").implement({
  description: "The market a cart or order is priced in.",
  fields: (t) => ({
    id: t.exposeID("id"),
    handle: t.exposeString("handle"),
    name: t.exposeString("name"),
    currency: t.exposeString("currency"),
    pricesIncludeTax: t.exposeBoolean("pricesIncludeTax"),
  }),
});

export const CartShippingRef = builder.objectRef<NonNullable<Cart["shipping"]>>("CartShipping").implement({
  description: "The shipping method a cart or order is priced with.",
  fields: (t) => ({
    methodId: t.exposeID("methodId"),
    name: t.exposeString("name"),
    amount: t.field({ type: MoneyRef, description: "Before shipping discounts.", resolve: (s) => s.amount }),
    discount: t.field({ type: MoneyRef, resolve: (s) => s.discount }),
    discounts: t.field({ type: [AppliedDiscountRef], description: "The shipping discounts (free shipping) that make up `discount`.", resolve: (s) => s.discounts }),
    tax: t.field({ type: MoneyRef, resolve: (s) => s.tax }),
    taxRate: t.exposeInt("taxRate", { description: "Basis points." }),
  }),
});

export const AppliedPromotionRef = builder.objectRef<Cart["discounts"]["applied"][number]>("AppliedPromotion").implement({
  fields: (t) => ({
    promotionId: t.exposeID("promotionId"),
    code: t.exposeString("code", { nullable: true }),
    title: t.exposeString("title"),
    amount: t.field({ type: MoneyRef, resolve: (a) => a.amount }),
  }),
});

const RejectedCodeRef = builder.objectRef<Cart["discounts"]["rejectedCodes"][number]>("RejectedCode").implement({
  fields: (t) => ({ code: t.exposeString("code"), reason: t.exposeString("reason") }),
});

export const AppliedGiftCardRef = builder.objectRef<Pick<Cart["giftCards"][number], "giftCardId" | "last4" | "amount"> & Partial<Cart["giftCards"][number]>>("AppliedGiftCard").implement({
  description: "A gift card or store credit paying part of the cart: last, after discounts, shipping and tax, in the order applied.",
  fields: (t) => ({
    giftCardId: t.exposeID("giftCardId"),
    kind: t.string({ description: "gift_card or store_credit.", resolve: (g) => g.kind ?? "gift_card" }),
    last4: t.exposeString("last4"),
    amount: t.field({ type: MoneyRef, description: "What it pays; 0 when it cannot pay (see reason).", resolve: (g) => g.amount }),
    reason: t.string({ nullable: true, description: "Why it pays nothing now: currency_mismatch, disabled, expired, empty. Checkout refuses the cart until it is removed.", resolve: (g) => g.reason ?? null }),
  }),
});

export const CartRef = builder.objectRef<Cart>("Cart").implement({
  description: "A guest cart (send its token as the `X-Cart-Token` header) or a signed-in customer's cart.",
  fields: (t) => ({
    id: t.exposeID("id"),
    status: t.field({ type: CartStatusEnum, resolve: (c) => c.status }),
    customerId: t.exposeID("customerId", { nullable: true }),
    email: t.exposeString("email", { nullable: true }),
    shippingAddress: t.field({ type: AddressRef, nullable: true, resolve: (c) => c.shippingAddress }),
    billingAddress: t.field({ type: AddressRef, nullable: true, resolve: (c) => c.billingAddress }),
    market: t.field({ type: CartMarketRef, description: "The market it is priced in: the chosen one, else the shipping country's, else the default.", resolve: (c) => c.market }),
    taxExempt: t.exposeBoolean("taxExempt", { description: "The shopper is in a tax-exempt customer group." }),
    lines: t.field({ type: [CartLineRef], resolve: (c) => c.lines }),
    shippingMethodId: t.exposeID("shippingMethodId", { nullable: true, description: "The method the shopper chose, if any." }),
    shippingMethods: t.field({ type: [ShippingOptionRef], description: "Every method that can ship this cart there, cheapest first.", resolve: (c) => c.shippingMethods }),
    shipping: t.field({ type: CartShippingRef, nullable: true, description: "The method the cart is priced with: the chosen one if it applies, else the cheapest.", resolve: (c) => c.shipping }),
    discounts: t.field({ type: [AppliedPromotionRef], description: "Promotions applied to this cart.", resolve: (c) => c.discounts.applied }),
    rejectedCodes: t.field({ type: [RejectedCodeRef], description: "Discount codes that do not apply, and why.", resolve: (c) => c.discounts.rejectedCodes }),
    giftCards: t.field({ type: [AppliedGiftCardRef], resolve: (c) => c.giftCards }),
    totals: t.field({ type: TotalsRef, nullable: true, description: "Null while the cart is empty.", resolve: (c) => c.totals }),
    orderId: t.exposeID("orderId", { nullable: true, description: "The order this cart became." }),
    holdMinutes: t.exposeInt("holdMinutes", { description: "How long each line holds its stock after its last change." }),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
  }),
});

const CreateCartPayloadRef = builder.objectRef<CreatedCart>("CreateCartPayload").implement({
  fields: (t) => ({
    cart: t.field({ type: CartRef, resolve: (p) => p.cart }),
    cartToken: t.exposeString("cartToken", {
      nullable: true,
      description: "Guest carts only: send it as the `X-Cart-Token` header from now on. Shown once.",
    }),
  }),
});

const CartLineInput = builder.inputType("CartLineInput", {
  fields: (t) => ({ variantId: t.id({ required: true }), quantity: t.int({ required: true }) }),
});

const cartInputFields = {
  market: "Price the cart in this market (handle or id); null: the shipping country's market, else the default.",
  shippingMethodId: "Ship with this method (one of the cart's shippingMethods); null: the cheapest.",
};

const CartInput = builder.inputType("CartInput", {
  description: "Fields you send change; null clears an email, address, market or shipping method.",
  fields: (t) => ({
    email: t.string(),
    shippingAddress: t.field({ type: AddressInput }),
    billingAddress: t.field({ type: AddressInput }),
    market: t.string({ description: cartInputFields.market }),
    shippingMethodId: t.id({ description: cartInputFields.shippingMethodId }),
  }),
});

const CreateCartInputRef = builder.inputType("CreateCartInput", {
  fields: (t) => ({
    email: t.string(),
    shippingAddress: t.field({ type: AddressInput }),
    billingAddress: t.field({ type: AddressInput }),
    market: t.string({ description: cartInputFields.market }),
    shippingMethodId: t.id({ description: cartInputFields.shippingMethodId }),
    lines: t.field({ type: [CartLineInput] }),
  }),
});

type CartArgs = { email?: string | null; shippingAddress?: AddressArg; billingAddress?: AddressArg; market?: string | null; shippingMethodId?: string | null };
const CLEARABLE = ["email", "shippingAddress", "billingAddress", "market", "shippingMethodId"];
function cartFields(input: CartArgs, keepNulls: boolean) {
  return dropNulls(
    {
      email: input.email,
      shippingAddress: addressInput(input.shippingAddress),
      billingAddress: addressInput(input.billingAddress),
      market: input.market,
      shippingMethodId: input.shippingMethodId,
    },
    keepNulls ? CLEARABLE : [],
  );
}

builder.queryFields((t) => ({
  cart: t.field({
    type: CartRef,
    nullable: true,
    description: "A cart you may see (your own, or a guest cart whose X-Cart-Token you send); null otherwise.",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => orNull(() => carts.getCart(ctx.services, args.id)),
  }),
}));

builder.mutationFields((t) => ({
  createCart: t.field({
    type: CreateCartPayloadRef,
    description: "Create a cart. Anonymous callers get a guest cart and its token; customers get a cart of their own.",
    args: { input: t.arg({ type: CreateCartInputRef }) },
    resolve: (_root, args, ctx) =>
      carts.createCart(ctx.services, args.input ? { ...cartFields(args.input, false), ...(args.input.lines && { lines: args.input.lines }) } : {}),
  }),
  updateCart: t.field({
    type: CartRef,
    description: "Set the cart's email and addresses.",
    args: { cartId: t.arg.id({ required: true }), input: t.arg({ type: CartInput, required: true }) },
    resolve: (_root, args, ctx) => carts.updateCart(ctx.services, args.cartId, cartFields(args.input, true)),
  }),
  addCartLine: t.field({
    type: CartRef,
    description: "Add a line and hold its stock. Not enough stock: error code INSUFFICIENT_STOCK with `failures` in extensions.",
    args: { cartId: t.arg.id({ required: true }), variantId: t.arg.id({ required: true }), quantity: t.arg.int({ required: true }) },
    resolve: (_root, args, ctx) => carts.addLine(ctx.services, args.cartId, { variantId: args.variantId, quantity: args.quantity }),
  }),
  updateCartLine: t.field({
    type: CartRef,
    description: "Change a line's quantity (re-holds its stock).",
    args: { cartId: t.arg.id({ required: true }), lineId: t.arg.id({ required: true }), quantity: t.arg.int({ required: true }) },
    resolve: (_root, args, ctx) => carts.updateLine(ctx.services, args.cartId, args.lineId, { quantity: args.quantity }),
  }),
  removeCartLine: t.field({
    type: CartRef,
    description: "Remove a line and release its stock.",
    args: { cartId: t.arg.id({ required: true }), lineId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => carts.removeLine(ctx.services, args.cartId, args.lineId),
  }),
}));
