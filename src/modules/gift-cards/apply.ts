import type { AppliedGiftCard } from "./schemas";

/** What step 6 needs of a card: a snapshot read with the cart. */
export interface CardSnapshot {
  id: string;
  kind: "gift_card" | "store_credit";
  last4: string;
  currency: string;
  balance: number;
  status: "active" | "disabled";
  expiresAt: string | null;
}

/**
 * Step 6 of the pricing pipeline, pure: gift cards and store credit pay the grand total last, in
 * the order they were applied, each as much as its balance allows, until nothing is due. A card
 * in another currency, disabled, expired or empty pays nothing and says why.
 */
export function applyGiftCards(cards: readonly CardSnapshot[], due: { amount: number; currency: string }, at: string): { applied: AppliedGiftCard[]; amountDue: number } {
  let left = due.amount;
  const money = (amount: number, currency: string) => ({ amount, currency });
  const applied = cards.map((card): AppliedGiftCard => {
    const reason =
      card.currency !== due.currency ? "currency_mismatch" : card.status !== "active" ? "disabled" : card.expiresAt !== null && card.expiresAt <= at ? "expired" : card.balance === 0 ? "empty" : null;
    const amount = reason === null ? Math.min(card.balance, left) : 0;
    left -= amount;
    return { giftCardId: card.id, kind: card.kind, last4: card.last4, amount: money(amount, due.currency), balance: money(card.balance, card.currency), reason };
  });
  return { applied, amountDue: left };
}
