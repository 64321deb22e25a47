import { createDb, type Database } from "./client";

/** Response header carrying the D1 bookmark; clients send it back to read their own writes. */
export const BOOKMARK_HEADER = "x-d1-bookmark";

// D1 bookmarks are opaque but made of hex groups and dashes; anything else is ignored, not trusted.
const SANE_BOOKMARK = /^[0-9a-zA-Z-]{1,200}$/;

/**
 * One D1 Session per request (read replication). Reads may go to a replica, but never one older than
 * the bookmark the client sent back, so a client always sees its own writes. Requests that write
 * start at the primary ("first-primary"); the session is opened lazily so a GraphQL request can
 * still switch to the primary once it knows it runs a mutation.
 */
export class D1SessionScope {
  private session: D1DatabaseSession | undefined;
  private database: Database | undefined;
  private constraint: D1SessionConstraint;
  private readonly bookmark: string | undefined;

  constructor(
    private readonly d1: D1Database,
    options: { bookmark?: string | null | undefined; writes: boolean },
  ) {
    this.bookmark = options.bookmark && SANE_BOOKMARK.test(options.bookmark) ? options.bookmark : undefined;
    this.constraint = options.writes ? "first-primary" : "first-unconstrained";
  }

  /** Whether the client asked to read at least as new as its bookmark (such reads bypass the edge cache). */
  get hasClientBookmark(): boolean {
    return this.bookmark !== undefined;
  }

  /** Call before the first query when the request turns out to write. */
  usePrimary(): void {
    if (!this.session) this.constraint = "first-primary";
  }

  get db(): Database {
    if (!this.database) {
      // Writes start at the primary (which is newer than any bookmark); reads start anywhere at least
      // as new as the client's bookmark.
      this.session = this.d1.withSession(this.constraint === "first-primary" ? "first-primary" : (this.bookmark ?? this.constraint));
      // drizzle's D1 driver only calls prepare() and batch(), which a session has (drizzle-orm#4776 adds the type).
      this.database = createDb(this.session as unknown as D1Database);
    }
    return this.database;
  }

  /** The newest bookmark this request saw, to return to the client; null when D1 was not used. */
  latestBookmark(): string | null {
    return this.session?.getBookmark() ?? null;
  }
}
