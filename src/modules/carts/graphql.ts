import { orNull } from "../../graphql/errors";
import { builder, dropNulls, MoneyRef } from "../../graphql/builder";
import type { Address, Cart, CartLine, CreatedCart, Totals } from "./schemas";
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
  description: "Computed on the server: subtotal, flat shipping per country, tax per country on subtotal + shipping, total.",
  fields: (t) => ({
    subtotal: t.field({ type: MoneyRef, resolve: (x) => x.subtotal }),
    shipping: t.field({ type: MoneyRef, resolve: (x) => x.shipping }),
    tax: t.field({ type: MoneyRef, resolve: (x) => x.tax }),
    total: t.field({ type: MoneyRef, resolve: (x) => x.total }),
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

/** What cart lines and order lines share; an order line is the cart line frozen at checkout. */
type PurchaseLine = Omit<CartLine, "available" | "unavailableReason">;
export const PurchaseLineRef = builder.interfaceRef<PurchaseLine>("PurchaseLine").implement({
  description: "A variant, a quantity and the unit price captured when the line was added.",
  fields: (t) => ({
    id: t.exposeID("id"),
    variantId: t.exposeID("variantId"),
    productId: t.exposeID("productId"),
    sku: t.exposeString("sku"),
    title: t.exposeString("title"),
    quantity: t.exposeInt("quantity"),
    unitPrice: t.field({ type: MoneyRef, description: "Price when the line was added.", resolve: (l) => l.unitPrice }),
    lineTotal: t.field({ type: MoneyRef, resolve: (l) => l.lineTotal }),
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

export const CartRef = builder.objectRef<Cart>("Cart").implement({
  description: "A guest cart (send its token as the `X-Cart-Token` header) or a signed-in customer's cart.",
  fields: (t) => ({
    id: t.exposeID("id"),
    status: t.field({ type: CartStatusEnum, resolve: (c) => c.status }),
    customerId: t.exposeID("customerId", { nullable: true }),
    email: t.exposeString("email", { nullable: true }),
    shippingAddress: t.field({ type: AddressRef, nullable: true, resolve: (c) => c.shippingAddress }),
    billingAddress: t.field({ type: AddressRef, nullable: true, resolve: (c) => c.billingAddress }),
    lines: t.field({ type: [CartLineRef], resolve: (c) => c.lines }),
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

const CartInput = builder.inputType("CartInput", {
  description: "Fields you send change; null clears an email or address.",
  fields: (t) => ({
    email: t.string(),
    shippingAddress: t.field({ type: AddressInput }),
    billingAddress: t.field({ type: AddressInput }),
  }),
});

const CreateCartInputRef = builder.inputType("CreateCartInput", {
  fields: (t) => ({
    email: t.string(),
    shippingAddress: t.field({ type: AddressInput }),
    billingAddress: t.field({ type: AddressInput }),
    lines: t.field({ type: [CartLineInput] }),
  }),
});


type CartArgs = { email?: string | null; shippingAddress?: AddressArg; billingAddress?: AddressArg };
function cartFields(input: CartArgs, keepNulls: boolean) {
  return dropNulls(
    { email: input.email, shippingAddress: addressInput(input.shippingAddress), billingAddress: addressInput(input.billingAddress) },
    keepNulls ? ["email", "shippingAddress", "billingAddress"] : [],
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
