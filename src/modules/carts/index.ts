// CONTRACT STAND-IN: replaced at merge by feat/orders
import type { ServiceContext } from "../../context";

/** Merge a guest cart into the customer's cart at sign-in (see CONTRACTS.md). The stand-in does nothing. */
export async function mergeGuestCart(_ctx: ServiceContext, _input: { cartToken: string; customerId: string }): Promise<void> {}
