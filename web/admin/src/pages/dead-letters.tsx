import { useState } from "preact/hooks";
import { api, unwrap, type Schemas } from "../api";
import { announce, Badge, Loading, More, Page, ProblemAlert, Time, usePages } from "../ui";

type DeadLetter = Schemas["DeadLetter"];

export function DeadLettersPage() {
  const [error, setError] = useState<unknown>();
  const list = usePages<DeadLetter>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/dead-letters", { params: { query: { limit: 25, cursor } } }));
    return { items: page.data, next: page.next_cursor };
  }, []);
  const replay = async (d: DeadLetter) => {
    setError(undefined);
    try {
      const replayed = unwrap(await api.POST("/v1/dead-letters/{id}/replay", { params: { path: { id: d.id } } }));
      list.setItems(list.items.map((x) => (x.id === d.id ? replayed : x)));
      announce(`${d.eventType ?? "Message"} replayed.`);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Page title="Dead letters">
      <p class="muted">Queue messages that failed every retry. Replaying sends a message through the consumer again; handlers that already ran do not run twice.</p>
      <ProblemAlert error={list.error ?? error} />
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Dead letters</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Last dead</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  {d.eventType ?? "unknown"}
                  <div class="muted small">{d.eventId ?? d.id}</div>
                </th>
                <td>
                  <Badge value={d.status} />
                </td>
                <td class="num">{d.attempts}</td>
                <td>
                  <Time value={d.lastDeadAt} />
                </td>
                <td>
                  {d.status === "dead" ? (
                    <button type="button" class="secondary small" onClick={() => replay(d)}>
                      Replay<span class="visually-hidden"> {d.eventType}</span>
                    </button>
                  ) : (
                    <Time value={d.replayedAt} />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.loading ? <Loading what="dead letters" /> : list.items.length === 0 ? <p class="empty">No dead letters. Every event was handled.</p> : null}
      <More next={list.next} onMore={list.more} busy={list.loading} />
    </Page>
  );
}
