/**
 * Wraps a D1 binding and counts the statements that reach it (each prepared statement executed,
 * and each statement inside a batch), so tests can bound the queries a request makes. Sessions
 * opened with `withSession` (D1 read replication) are wrapped too, since the app reads through them.
 */
export function countingD1(db: D1Database): { db: D1Database; count: () => number; reset: () => void } {
  let statements = 0;
  const wrapStatement = (stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "bind") return (...args: unknown[]) => wrapStatement((value as (...a: unknown[]) => D1PreparedStatement).apply(target, args));
        if (prop === "first" || prop === "all" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            statements++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const wrapDatabase = <T extends object>(database: T): T =>
    new Proxy(database, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop === "prepare") return (query: string) => wrapStatement((target as unknown as D1Database).prepare(query));
        if (prop === "batch") {
          return (list: D1PreparedStatement[]) => {
            statements += list.length;
            return (target as unknown as D1Database).batch(list);
          };
        }
        if (prop === "withSession") return (...args: unknown[]) => wrapDatabase((value as (...a: unknown[]) => object).apply(target, args));
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return { db: wrapDatabase(db), count: () => statements, reset: () => (statements = 0) };
}

/** A D1 binding (and its sessions) whose every query fails with `message`. */
export function failingD1(db: D1Database, message: string): D1Database {
  const wrap = <T extends object>(database: T): T =>
    new Proxy(database, {
      get(target, prop, receiver) {
        if (prop === "prepare") return () => { throw new Error(message); };
        const value = Reflect.get(target, prop, receiver);
        if (prop === "withSession") return (...args: unknown[]) => wrap((value as (...a: unknown[]) => object).apply(target, args));
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  return wrap(db);
}
