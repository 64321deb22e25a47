import type { Page } from "../shared/pagination";
import { ServiceError } from "../shared/errors";

/** A service page as a Relay connection. */
export function toConnection<T>(page: Page<T>) {
  return {
    // Cursors are encoded only if the query asks for them (Page.cursors is lazy).
    edges: page.items.map((node, i) => ({
      node,
      get cursor() {
        return page.cursors[i]!;
      },
    })),
    pageInfo: {
      hasNextPage: page.nextCursor !== null,
      hasPreviousPage: page.hasPreviousPage,
      get startCursor() {
        return page.cursors[0] ?? null;
      },
      // With a next page, the last item's cursor is the next cursor the page already encoded.
      get endCursor() {
        return page.nextCursor ?? page.cursors.at(-1) ?? null;
      },
    },
  };
}

/** Forward pagination only: `first`/`after` map onto the REST `limit`/`cursor`. */
export function forwardArgs(args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }) {
  if (args.last != null || args.before != null) {
    throw new ServiceError("VALIDATION_FAILED", "Backward pagination is not supported; use first/after.", {
      errors: [{ pointer: args.last != null ? "/last" : "/before", detail: "Not supported." }],
    });
  }
  return { ...(args.first != null && { limit: args.first }), ...(args.after != null && { cursor: args.after }) };
}
