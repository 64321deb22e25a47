import { builder, dropNulls, MoneyInput, MoneyRef } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import { applyGiftCard, removeGiftCard } from "../carts";
import { CartRef } from "../carts/graphql";
import type { GiftCard, GiftCardBalance, GiftCardTransaction, IssuedGiftCard } from "./schemas";
import * as giftCards from "./service";

const KindEnum = builder.enumType("GiftCardKind", {
  values: {
    GIFT_CARD: { value: "gift_card", description: "Used with its code." },
    STORE_CREDIT: { value: "store_credit", description: "Belongs to a customer; applied by id, no code." },
  } as const,
});
const StatusEnum = builder.enumType("GiftCardStatus", {
  values: { ACTIVE: { value: "active" }, DISABLED: { value: "disabled", description: "Can be neither applied nor charged." } } as const,
});
const TransactionKindEnum = builder.enumType("GiftCardTransactionKind", {
  values: {
    ISSUE: { value: "issue" },
    CHARGE: { value: "charge", description: "An order spent it." },
    RETURN: { value: "return", description: "The order was cancelled; the charge came back." },
    REFUND: { value: "refund", description: "An order's refund credited to the card." },
    ADJUSTMENT: { value: "adjustment", description: "An admin changed the balance." },
  } as const,
});

const TransactionRef = builder.objectRef<GiftCardTransaction>("GiftCardTransaction").implement({
  description: "One balance change, with the balance right after it.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.field({ type: TransactionKindEnum, resolve: (x) => x.kind }),
    amount: t.exposeInt("amount", { description: "Signed minor units." }),
    balanceAfter: t.exposeInt("balanceAfter"),
    currency: t.exposeString("currency"),
    orderId: t.exposeID("orderId", { nullable: true }),
    reference: t.exposeString("reference", { description: "Once per card: issue, charge:<order>, return:<order>, or the caller's reference." }),
    note: t.exposeString("note"),
    actor: t.exposeString("actor"),
    createdAt: t.exposeString("createdAt"),
  }),
});

export const GiftCardRef = builder.objectRef<GiftCard>("GiftCard").implement({
  description: "A gift card or a customer's store credit: one balance in one currency. Its code is never shown again after issue.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.field({ type: KindEnum, resolve: (g) => g.kind }),
    last4: t.exposeString("last4"),
    customerId: t.exposeID("customerId", { nullable: true }),
    balance: t.field({ type: MoneyRef, resolve: (g) => g.balance }),
    initialAmount: t.field({ type: MoneyRef, resolve: (g) => g.initialAmount }),
    status: t.field({ type: StatusEnum, resolve: (g) => g.status }),
    expiresAt: t.exposeString("expiresAt", { nullable: true }),
    note: t.exposeString("note"),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
    transactions: t.connection({
      type: TransactionRef,
      description: "The ledger, newest first. Admin (gift_cards:write).",
      resolve: async (g, args, ctx) => toConnection(await giftCards.listGiftCardTransactions(ctx.services, g.id, forwardArgs(args))),
    }),
  }),
});

const IssuedRef = builder.objectRef<IssuedGiftCard>("IssuedGiftCard").implement({
  fields: (t) => ({
    giftCard: t.field({ type: GiftCardRef, resolve: (i) => i.giftCard }),
    code: t.exposeString("code", { nullable: true, description: "Gift cards: the code, shown only here. Null for store credit." }),
  }),
});

const BalanceRef = builder.objectRef<GiftCardBalance>("GiftCardBalance").implement({
  fields: (t) => ({
    last4: t.exposeString("last4"),
    balance: t.field({ type: MoneyRef, resolve: (b) => b.balance }),
    status: t.field({ type: StatusEnum, resolve: (b) => b.status }),
    expiresAt: t.exposeString("expiresAt", { nullable: true }),
    usable: t.exposeBoolean("usable", { description: "Active, not expired and above 0." }),
  }),
});

const AdjustedRef = builder.objectRef<{ giftCard: GiftCard; transaction: GiftCardTransaction }>("AdjustedGiftCard").implement({
  fields: (t) => ({
    giftCard: t.field({ type: GiftCardRef, resolve: (a) => a.giftCard }),
    transaction: t.field({ type: TransactionRef, resolve: (a) => a.transaction }),
  }),
});

const IssueInput = builder.inputType("IssueGiftCardInput", {
  fields: (t) => ({
    kind: t.field({ type: KindEnum, description: "Default GIFT_CARD." }),
    amount: t.field({ type: MoneyInput, required: true, description: "The initial balance." }),
    customerId: t.id({ description: "Required for STORE_CREDIT." }),
    code: t.string({ description: "Your own code (8 to 32 letters or digits); default 16 random characters." }),
    expiresAt: t.string({ description: "RFC 3339." }),
    note: t.string(),
  }),
});
const UpdateInput = builder.inputType("UpdateGiftCardInput", {
  description: "Only the fields sent change; an explicit null expiresAt removes the expiry.",
  fields: (t) => ({ status: t.field({ type: StatusEnum }), expiresAt: t.string(), note: t.string() }),
});
const AdjustInput = builder.inputType("AdjustGiftCardBalanceInput", {
  fields: (t) => ({
    amount: t.int({ required: true, description: "Minor units to add (positive) or remove (negative)." }),
    reference: t.string({ required: true, description: "Once per card; a repeat changes nothing." }),
    orderId: t.id({ description: "With a positive amount: a refund of this order to the card." }),
    note: t.string(),
  }),
});

builder.queryFields((t) => ({
  giftCards: t.connection({
    type: GiftCardRef,
    description: "Gift cards and store credit, newest first. Admin (gift_cards:write).",
    args: { customerId: t.arg.id(), kind: t.arg({ type: KindEnum }), status: t.arg({ type: StatusEnum }) },
    resolve: async (_root, args, ctx) => {
      const { first, after, last, before, ...filters } = args;
      return toConnection(await giftCards.listGiftCards(ctx.services, { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) }));
    },
  }),
  giftCard: t.field({
    type: GiftCardRef,
    description: "A card by id. Admin (gift_cards:write).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => giftCards.getGiftCard(ctx.services, args.id),
  }),
  giftCardBalance: t.field({
    type: BalanceRef,
    description: "The balance of the card with this code (anyone holding the code). NOT_FOUND for unknown codes.",
    args: { code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => giftCards.checkGiftCardBalance(ctx.services, { code: args.code }),
  }),
  myGiftCards: t.field({
    type: [GiftCardRef],
    description: "The signed-in customer's store credit and gift cards issued to them.",
    resolve: (_root, _args, ctx) => giftCards.listMyGiftCards(ctx.services),
  }),
}));

builder.mutationFields((t) => ({
  issueGiftCard: t.field({
    type: IssuedRef,
    description: "Issue a gift card (its code is in the payload, only here) or store credit. Admin (gift_cards:write).",
    args: { input: t.arg({ type: IssueInput, required: true }) },
    resolve: (_root, args, ctx) => giftCards.issueGiftCard(ctx.services, dropNulls(args.input)),
  }),
  updateGiftCard: t.field({
    type: GiftCardRef,
    description: "Disable, re-enable, re-date or annotate a card. Admin (gift_cards:write).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateInput, required: true }) },
    resolve: (_root, args, ctx) => giftCards.updateGiftCard(ctx.services, args.id, dropNulls(args.input, ["expiresAt"])),
  }),
  adjustGiftCardBalance: t.field({
    type: AdjustedRef,
    description: "Add to or take from a balance; with orderId and a positive amount, a refund to the card. Once per reference. Admin (gift_cards:write).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: AdjustInput, required: true }) },
    resolve: (_root, args, ctx) => giftCards.adjustGiftCardBalance(ctx.services, args.id, dropNulls(args.input)),
  }),
  applyCartGiftCard: t.field({
    type: CartRef,
    description:
      "Pay part of a cart with a gift card (by code) or a signed-in customer's own card or store credit (by giftCardId). Cards pay the total last, each up to its balance; nothing is spent until checkout.",
    args: { cartId: t.arg.id({ required: true }), code: t.arg.string(), giftCardId: t.arg.id() },
    resolve: (_root, args, ctx) => applyGiftCard(ctx.services, args.cartId, dropNulls({ code: args.code, giftCardId: args.giftCardId })),
  }),
  removeCartGiftCard: t.field({
    type: CartRef,
    description: "Take a gift card off a cart.",
    args: { cartId: t.arg.id({ required: true }), giftCardId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => removeGiftCard(ctx.services, args.cartId, args.giftCardId),
  }),
}));
