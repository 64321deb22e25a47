import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain JS script, shared with the Node CLI
import { cronMatches, readCrons, startCronTicker } from "../../scripts/cron-ticker.mjs";
// @ts-expect-error -- Vite raw import
import devScript from "../../scripts/dev.mjs?raw";
// @ts-expect-error -- Vite raw import
import wranglerToml from "../../wrangler.toml?raw";

const at = (iso: string) => new Date(iso);

describe("npm run dev drives the cron triggers (wrangler does not fire them locally)", () => {
  it("reads the schedules from wrangler.toml and matches them per minute in UTC", () => {
    const crons: string[] = readCrons(wranglerToml);
    expect(crons).toEqual(["* * * * *", "0 3 * * *"]);
    expect(cronMatches("* * * * *", at("2026-12-03T10:17:00Z"))).toBe(true);
    expect(cronMatches("0 3 * * *", at("2026-12-03T03:00:00Z"))).toBe(true);
    expect(cronMatches("0 3 * * *", at("2026-12-03T03:01:00Z"))).toBe(false);
    expect(cronMatches("0 3 * * *", at("2026-12-03T04:00:00Z"))).toBe(false);
    expect(cronMatches("*/15 9-17 * * 1-5", at("2026-12-03T09:45:00Z"))).toBe(true); // a Thursday
    expect(cronMatches("*/15 9-17 * * 1-5", at("2026-12-05T09:45:00Z"))).toBe(false); // a Saturday
    expect(cronMatches("0 0 1,15 * 0", at("2026-12-06T00:00:00Z"))).toBe(true); // Sunday as 0
  });

  it("fires every due cron at the top of each minute through wrangler's local scheduled endpoint", async () => {
    let clock = Date.parse("2026-12-03T02:58:30Z");
    const timers: { due: number; run: () => void }[] = [];
    const calls: string[] = [];
    const ticks: unknown[] = [];
    const ticker = startCronTicker({
      url: "http://127.0.0.1:8870",
      crons: readCrons(wranglerToml),
      now: () => clock,
      schedule: (run: () => void, ms: number) => timers.push({ due: clock + ms, run }) - 1,
      cancel: (i: number) => timers.splice(i, 1),
      fetcher: async (url: string) => {
        calls.push(url);
        return new Response("ok");
      },
      onTick: (tick: unknown) => ticks.push(tick),
    });
    for (let minute = 0; minute < 3; minute++) {
      const timer = timers.shift()!;
      clock = timer.due;
      timer.run();
      await new Promise((r) => setTimeout(r, 0));
    }
    ticker.stop();
    const fired = calls.map((url) => new URL(url)).map((u) => [u.pathname, u.searchParams.get("cron"), new Date(Number(u.searchParams.get("time"))).toISOString()]);
    expect(fired).toEqual([
      ["/cdn-cgi/local/scheduled", "* * * * *", "2026-12-03T02:59:00.000Z"],
      ["/cdn-cgi/local/scheduled", "* * * * *", "2026-12-03T03:00:00.000Z"],
      ["/cdn-cgi/local/scheduled", "0 3 * * *", "2026-12-03T03:00:00.000Z"],
      ["/cdn-cgi/local/scheduled", "* * * * *", "2026-12-03T03:01:00.000Z"],
    ]);
    expect(ticks).toHaveLength(3);
  });

  it("is started by scripts/dev.mjs with the crons of wrangler.toml", () => {
    expect(devScript).toMatch(/startCronTicker\(/);
    expect(devScript).toMatch(/readCrons\(/);
  });
});
