/** Fields of one log line; `request_id`, `error` and friends in snake_case, as Workers Logs indexes them. */
export type LogFields = Record<string, unknown>;

function line(level: "info" | "warn" | "error", msg: string, fields: LogFields): string {
  return JSON.stringify({ level, msg, ...fields });
}

/** Structured logging: one JSON object per line, `{ level, msg, ...fields }`, on the matching console method. */
export const log = {
  info: (msg: string, fields: LogFields = {}) => console.log(line("info", msg, fields)),
  warn: (msg: string, fields: LogFields = {}) => console.warn(line("warn", msg, fields)),
  error: (msg: string, fields: LogFields = {}) => console.error(line("error", msg, fields)),
};
