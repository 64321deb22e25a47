// The live order feed for the admin: a single-use ticket (POST /v1/orders/feed/tickets), then an
// EventSource on /v1/orders/feed?ticket=…. EventSource reconnects with the same (used) URL, so on
// an error we close it and open a new one with a fresh ticket, resuming after the last event seen.
import { api, unwrap, type Schemas } from "./api";

export type FeedEvent = Schemas["OrderFeedEvent"];
export type FeedState = "connecting" | "live" | "offline";

export function openOrderFeed(onEvent: (event: FeedEvent) => void, onState: (state: FeedState) => void): () => void {
  let source: EventSource | undefined;
  let lastId: string | undefined;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  const connect = async () => {
    onState("connecting");
    try {
      const { ticket } = unwrap(await api.POST("/v1/orders/feed/tickets"));
      if (closed) return;
      const url = `/v1/orders/feed?ticket=${encodeURIComponent(ticket)}${lastId ? `&after=${encodeURIComponent(lastId)}` : ""}`;
      source = new EventSource(url);
      source.addEventListener("feed.ready", () => {
        failures = 0;
        onState("live");
      });
      source.onmessage = (message) => {
        lastId = message.lastEventId || lastId;
        onEvent(JSON.parse(message.data) as FeedEvent);
      };
      source.onerror = () => {
        source?.close();
        reconnect();
      };
    } catch {
      reconnect();
    }
  };
  const reconnect = () => {
    if (closed) return;
    onState("offline");
    failures += 1;
    retry = setTimeout(connect, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)));
  };

  void connect();
  return () => {
    closed = true;
    clearTimeout(retry);
    source?.close();
  };
}
