import { builder, dropNulls, MoneyInput, MoneyRef } from "../../graphql/builder";
import { forwardArgs, toConnection } from "../../graphql/connection";
import { applyDiscountCode, removeDiscountCode } from "../carts";
import { CartRef } from "../carts/graphql";
import type { Promotion, Redemption } from "./schemas";
import type { DiscountValue, LineMatch, PromotionRule } from "./rules";
import * as promotions from "./service";

const TriggerEnum = builder.enumType("PromotionTrigger", {
  values: {
    AUTOMATIC: { value: "automatic", description: "Applies to every eligible cart." },
    CODE: { value: "code", description: "Applies to carts that entered one of its codes." },
  } as const,
});
const StatusEnum = builder.enumType("PromotionStatus", {
  values: { ACTIVE: { value: "active" }, DISABLED: { value: "disabled", description: "Applies to nothing; its codes are refused." } } as const,
});
const StateEnum = builder.enumType("PromotionState", {
  description: "Derived now from status, window and usage.",
  values: { SCHEDULED: { value: "scheduled" }, ACTIVE: { value: "active" }, EXPIRED: { value: "expired" }, DISABLED: { value: "disabled" }, USED_UP: { value: "used_up" } } as const,
});
const RuleTypeEnum = builder.enumType("PromotionRuleType", {
  values: {
    ORDER: { value: "order", description: "Off the whole order (its lines, not shipping)." },
    LINES: { value: "lines", description: "Off the lines that match `match`." },
    FREE_SHIPPING: { value: "free_shipping", description: "The chosen shipping costs nothing." },
    BUY_X_GET_Y: { value: "buy_x_get_y", description: "Buy `buy.quantity`, get `get.quantity` at `get.percent` off (the cheapest units)." },
  } as const,
});
const ValueTypeEnum = builder.enumType("DiscountValueType", {
  values: { PERCENTAGE: { value: "percentage" }, FIXED: { value: "fixed", description: "An amount per currency." } } as const,
});
const RedemptionStatusEnum = builder.enumType("RedemptionStatus", {
  values: { REDEEMED: { value: "redeemed" }, RETURNED: { value: "returned", description: "The order was cancelled; the use counts again." } } as const,
});

const LineMatchRef = builder.objectRef<LineMatch>("LineMatch").implement({
  description: "A line matches when its product is in one of the categories (or their descendants), is one of the products, or has one of the SKUs.",
  fields: (t) => ({
    categoryIds: t.idList({ resolve: (m) => m.categoryIds ?? [] }),
    productIds: t.idList({ resolve: (m) => m.productIds ?? [] }),
    skus: t.stringList({ resolve: (m) => m.skus ?? [] }),
  }),
});
const DiscountValueRef = builder.objectRef<DiscountValue>("DiscountValue").implement({
  description: "A percentage of the matched amount, or a fixed amount per currency (never more than the matched amount).",
  fields: (t) => ({
    type: t.field({ type: ValueTypeEnum, resolve: (v) => v.type }),
    percent: t.float({ nullable: true, description: "PERCENTAGE: 0.01 to 100.", resolve: (v) => (v.type === "percentage" ? v.percent : null) }),
    amounts: t.field({ type: [MoneyRef], description: "FIXED: one amount per currency.", resolve: (v) => (v.type === "fixed" ? v.amounts : []) }),
  }),
});
const BuyRef = builder.objectRef<{ quantity: number; match: LineMatch }>("PromotionBuy").implement({
  fields: (t) => ({ quantity: t.exposeInt("quantity"), match: t.field({ type: LineMatchRef, resolve: (b) => b.match }) }),
});
const GetRef = builder.objectRef<{ quantity: number; match: LineMatch; percent: number }>("PromotionGet").implement({
  fields: (t) => ({
    quantity: t.exposeInt("quantity"),
    match: t.field({ type: LineMatchRef, resolve: (g) => g.match }),
    percent: t.exposeFloat("percent", { description: "Off each `get` unit; 100 makes it free." }),
  }),
});
const RuleRef = builder.objectRef<PromotionRule>("PromotionRule").implement({
  description: "What the promotion takes off. Fields that do not belong to `type` are null.",
  fields: (t) => ({
    type: t.field({ type: RuleTypeEnum, resolve: (r) => r.type }),
    value: t.field({ type: DiscountValueRef, nullable: true, description: "ORDER and LINES.", resolve: (r) => ("value" in r ? r.value : null) }),
    match: t.field({ type: LineMatchRef, nullable: true, description: "LINES.", resolve: (r) => (r.type === "lines" ? r.match : null) }),
    buy: t.field({ type: BuyRef, nullable: true, description: "BUY_X_GET_Y.", resolve: (r) => (r.type === "buy_x_get_y" ? r.buy : null) }),
    get: t.field({ type: GetRef, nullable: true, description: "BUY_X_GET_Y.", resolve: (r) => (r.type === "buy_x_get_y" ? r.get : null) }),
    maxApplications: t.int({ nullable: true, description: "BUY_X_GET_Y: at most this many times per order.", resolve: (r) => (r.type === "buy_x_get_y" ? (r.maxApplications ?? null) : null) }),
  }),
});

const RedemptionRef = builder.objectRef<Redemption>("PromotionRedemption").implement({
  description: "One order's use of a promotion.",
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code", { nullable: true }),
    orderId: t.exposeID("orderId"),
    customerKey: t.exposeString("customerKey", { description: "customer:<id>, or email:<address> for guests." }),
    amount: t.field({ type: MoneyRef, resolve: (r) => r.amount }),
    status: t.field({ type: RedemptionStatusEnum, resolve: (r) => r.status }),
    redeemedAt: t.exposeString("redeemedAt"),
    returnedAt: t.exposeString("returnedAt", { nullable: true }),
  }),
});

const PromotionRef = builder.objectRef<Promotion>("Promotion").implement({
  description: "An automatic promotion or one switched on by discount codes. Admin (promotions:write).",
  fields: (t) => ({
    id: t.exposeID("id"),
    title: t.exposeString("title"),
    description: t.exposeString("description"),
    trigger: t.field({ type: TriggerEnum, resolve: (p) => p.trigger }),
    codes: t.exposeStringList("codes", { description: "Upper-case; empty for automatic promotions." }),
    status: t.field({ type: StatusEnum, resolve: (p) => p.status }),
    state: t.field({ type: StateEnum, resolve: (p) => p.state }),
    rule: t.field({ type: RuleRef, resolve: (p) => p.rule }),
    minimumSubtotal: t.field({ type: [MoneyRef], description: "Per currency; when any is set, carts in other currencies are not eligible.", resolve: (p) => p.minimumSubtotal }),
    customerGroupIds: t.exposeIDList("customerGroupIds"),
    marketIds: t.exposeIDList("marketIds"),
    startsAt: t.exposeString("startsAt", { nullable: true }),
    endsAt: t.exposeString("endsAt", { nullable: true }),
    combinable: t.exposeBoolean("combinable", { description: "false: applies only alone, when it beats every combination." }),
    priority: t.exposeInt("priority", { description: "Lower applies first within its phase." }),
    usageLimit: t.exposeInt("usageLimit", { nullable: true }),
    usageLimitPerCustomer: t.exposeInt("usageLimitPerCustomer", { nullable: true }),
    timesRedeemed: t.exposeInt("timesRedeemed"),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
    redemptions: t.connection({
      type: RedemptionRef,
      description: "Newest first.",
      resolve: async (p, args, ctx) => toConnection(await promotions.listRedemptions(ctx.services, p.id, forwardArgs(args))),
    }),
  }),
});

// ------------------------------------------------------------------------------------- inputs

const LineMatchInput = builder.inputType("LineMatchInput", {
  fields: (t) => ({ categoryIds: t.idList(), productIds: t.idList(), skus: t.stringList() }),
});
const DiscountValueInput = builder.inputType("DiscountValueInput", {
  fields: (t) => ({
    type: t.field({ type: ValueTypeEnum, required: true }),
    percent: t.float({ description: "PERCENTAGE: 0.01 to 100, at most two decimals." }),
    amounts: t.field({ type: [MoneyInput], description: "FIXED: one amount per currency." }),
  }),
});
const BuyInput = builder.inputType("PromotionBuyInput", {
  fields: (t) => ({ quantity: t.int({ required: true }), match: t.field({ type: LineMatchInput, required: true }) }),
});
const GetInput = builder.inputType("PromotionGetInput", {
  fields: (t) => ({
    quantity: t.int({ required: true }),
    match: t.field({ type: LineMatchInput, required: true }),
    percent: t.float({ description: "Default 100 (free)." }),
  }),
});
const RuleInput = builder.inputType("PromotionRuleInput", {
  description: "Send the fields that belong to `type`: value (ORDER), match + value (LINES), nothing (FREE_SHIPPING), buy + get + maxApplications (BUY_X_GET_Y).",
  fields: (t) => ({
    type: t.field({ type: RuleTypeEnum, required: true }),
    value: t.field({ type: DiscountValueInput }),
    match: t.field({ type: LineMatchInput }),
    buy: t.field({ type: BuyInput }),
    get: t.field({ type: GetInput }),
    maxApplications: t.int(),
  }),
});

const CreatePromotionInputRef = builder.inputType("CreatePromotionInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string(),
    trigger: t.field({ type: TriggerEnum, required: true }),
    codes: t.stringList({ description: "CODE promotions: at least one." }),
    status: t.field({ type: StatusEnum }),
    rule: t.field({ type: RuleInput, required: true }),
    minimumSubtotal: t.field({ type: [MoneyInput] }),
    customerGroupIds: t.idList(),
    marketIds: t.idList(),
    startsAt: t.string({ description: "RFC 3339." }),
    endsAt: t.string({ description: "RFC 3339." }),
    combinable: t.boolean({ description: "Default true." }),
    priority: t.int({ description: "Default 100; lower first." }),
    usageLimit: t.int(),
    usageLimitPerCustomer: t.int(),
  }),
});
const UpdatePromotionInputRef = builder.inputType("UpdatePromotionInput", {
  description: "Only the fields sent change; an explicit null clears startsAt, endsAt, usageLimit or usageLimitPerCustomer.",
  fields: (t) => ({
    title: t.string(),
    description: t.string(),
    status: t.field({ type: StatusEnum }),
    rule: t.field({ type: RuleInput }),
    minimumSubtotal: t.field({ type: [MoneyInput] }),
    customerGroupIds: t.idList(),
    marketIds: t.idList(),
    startsAt: t.string(),
    endsAt: t.string(),
    combinable: t.boolean(),
    priority: t.int(),
    usageLimit: t.int(),
    usageLimitPerCustomer: t.int(),
  }),
});

/** GraphQL nulls inside nested inputs mean "absent": drop them all the way down (the service's strict schemas refuse stray keys). */
function deepDropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepDropNulls);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, deepDropNulls(v)]));
  }
  return value;
}

const CLEARABLE = ["startsAt", "endsAt", "usageLimit", "usageLimitPerCustomer"];

builder.queryFields((t) => ({
  promotions: t.connection({
    type: PromotionRef,
    description: "Promotions, newest first. Admin (promotions:write).",
    args: { trigger: t.arg({ type: TriggerEnum }), status: t.arg({ type: StatusEnum }), code: t.arg.string({ description: "The promotion this code belongs to." }) },
    resolve: async (_root, args, ctx) => {
      const { first, after, last, before, ...filters } = args;
      return toConnection(await promotions.listPromotions(ctx.services, { ...forwardArgs({ first, after, last, before }), ...dropNulls(filters) }));
    },
  }),
  promotion: t.field({
    type: PromotionRef,
    description: "A promotion by id. Admin (promotions:write).",
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => promotions.getPromotion(ctx.services, args.id),
  }),
}));

builder.mutationFields((t) => ({
  createPromotion: t.field({
    type: PromotionRef,
    description: "Create an automatic or code promotion (emits promotion.created). Admin (promotions:write).",
    args: { input: t.arg({ type: CreatePromotionInputRef, required: true }) },
    resolve: (_root, args, ctx) => promotions.createPromotion(ctx.services, deepDropNulls(args.input)),
  }),
  updatePromotion: t.field({
    type: PromotionRef,
    description: "Change, schedule, disable or re-enable a promotion (emits promotion.updated). Admin (promotions:write).",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdatePromotionInputRef, required: true }) },
    resolve: (_root, args, ctx) => {
      const input = args.input as Record<string, unknown>;
      const cleared = Object.fromEntries(CLEARABLE.filter((k) => input[k] === null).map((k) => [k, null]));
      return promotions.updatePromotion(ctx.services, args.id, { ...(deepDropNulls(input) as object), ...cleared });
    },
  }),
  deletePromotion: t.field({
    type: "Boolean",
    description: "Delete a promotion that was never redeemed (CONFLICT otherwise: disable it). Returns true.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      await promotions.deletePromotion(ctx.services, args.id);
      return true;
    },
  }),
  addDiscountCodes: t.field({
    type: PromotionRef,
    description: "Add codes to a code promotion; they share its usage limits.",
    args: { id: t.arg.id({ required: true }), codes: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => promotions.addDiscountCodes(ctx.services, args.id, { codes: args.codes }),
  }),
  removeDiscountCode: t.field({
    type: PromotionRef,
    description: "Remove a code (not the last one).",
    args: { id: t.arg.id({ required: true }), code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => promotions.removeDiscountCode(ctx.services, args.id, args.code),
  }),
  applyCartDiscountCode: t.field({
    type: CartRef,
    description:
      "Enter a discount code on a cart (its customer, or a guest sending X-Cart-Token). Unknown codes: VALIDATION_FAILED. A known code stays on the cart and applies whenever the cart qualifies; until then `discounts.rejectedCodes` says why.",
    args: { cartId: t.arg.id({ required: true }), code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => applyDiscountCode(ctx.services, args.cartId, { code: args.code }),
  }),
  removeCartDiscountCode: t.field({
    type: CartRef,
    description: "Remove a discount code from a cart.",
    args: { cartId: t.arg.id({ required: true }), code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => removeDiscountCode(ctx.services, args.cartId, args.code),
  }),
}));
