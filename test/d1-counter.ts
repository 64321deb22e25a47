/**
 * Wraps a D1 binding and counts the statements that reach it (each prepared statement executed,
 * and each statement inside a batch), so tests can bound the queries a request makes.
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
  const unwrap = new WeakMap<object, D1PreparedStatement>();
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === "prepare") {
        return (query: string) => {
          const real = target.prepare(query);
          const wrapped = wrapStatement(real);
          unwrap.set(wrapped, real);
          return wrapped;
        };
      }
      if (prop === "batch") {
        return (list: D1PreparedStatement[]) => {
          statements += list.length;
          return target.batch(list);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: proxy, count: () => statements, reset: () => (statements = 0) };
}
