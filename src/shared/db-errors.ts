/** True when a D1 error (possibly wrapped by drizzle) is a UNIQUE violation on `table.column`. */
export function isUniqueViolation(error: unknown, column: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes("UNIQUE constraint failed") && e.message.includes(column)) return true;
  }
  return false;
}
