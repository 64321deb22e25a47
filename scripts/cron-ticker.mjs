// `npm run dev` drives the Worker's cron triggers itself. wrangler does not fire scheduled handlers in local
// development, so without this the outbox sweeper, webhook retries, stock reconciliation and the other
// every-minute work (src/app/background.ts) would never run locally. At the top of every minute the ticker
// asks wrangler's local endpoint (`/cdn-cgi/local/scheduled?cron=…`) to run each cron of wrangler.toml
// whose schedule matches that minute (UTC, like Cloudflare). No Node imports: tests load this file in workerd.

/** The `crons = [...]` of wrangler.toml's `[triggers]` table. */
export function readCrons(wranglerToml) {
  const triggers = /^\[triggers\][^[]*?^crons\s*=\s*\[([^\]]*)\]/ms.exec(wranglerToml);
  if (!triggers) return [];
  return [...triggers[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

function fieldMatches(field, value, min) {
  return field.split(",").some((part) => {
    const [range, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let [from, to] = range === "*" ? [min, Infinity] : range.split("-").map(Number);
    if (to === undefined) to = stepText === undefined ? from : Infinity;
    return value >= from && value <= to && (value - from) % step === 0;
  });
}

/**
 * Whether a five-field cron expression (numbers, `*`, lists, ranges, steps) fires at this minute (UTC). As in
 * classic cron, when both day-of-month and day-of-week are restricted, either one matching is enough.
 */
export function cronMatches(expression, date) {
  const [minute, hour, day, month, weekday] = expression.trim().split(/\s+/);
  const dayMatches = fieldMatches(day, date.getUTCDate(), 1);
  const weekdayMatches = fieldMatches(weekday, date.getUTCDay(), 0) || (date.getUTCDay() === 0 && fieldMatches(weekday, 7, 0));
  const days = day !== "*" && weekday !== "*" ? dayMatches || weekdayMatches : dayMatches && weekdayMatches;
  return fieldMatches(minute, date.getUTCMinutes(), 0) && fieldMatches(hour, date.getUTCHours(), 0) && fieldMatches(month, date.getUTCMonth() + 1, 1) && days;
}

/**
 * Fire the matching crons at the start of every minute until `stop()`. Returns what each tick did, for logs.
 * `fetcher`, `now` and `schedule` are seams for tests.
 */
export function startCronTicker({ url, crons, fetcher = fetch, now = () => Date.now(), schedule = setTimeout, cancel = clearTimeout, onTick = () => {} }) {
  let timer;
  let stopped = false;
  const tick = async (minute) => {
    const due = crons.filter((cron) => cronMatches(cron, new Date(minute)));
    const results = await Promise.all(
      due.map(async (cron) => {
        try {
          const res = await fetcher(`${url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}&time=${minute}`);
          return { cron, ok: res.ok, status: res.status };
        } catch (error) {
          return { cron, ok: false, error: String(error) };
        }
      }),
    );
    onTick({ at: new Date(minute).toISOString(), results });
  };
  const arm = () => {
    if (stopped) return;
    const next = Math.floor(now() / 60_000) * 60_000 + 60_000;
    timer = schedule(() => {
      arm();
      void tick(next);
    }, next - now());
  };
  arm();
  return {
    stop() {
      stopped = true;
      cancel(timer);
    },
  };
}
