import { api, unwrap, type Schemas } from "../api";
import { Badge, ListFooter, Page, ProblemAlert, Table, Time, useAction, usePages } from "../ui";

type DeadLetter = Schemas["DeadLetter"];

export function DeadLettersPage() {
  const action = useAction();
  const list = usePages<DeadLetter>(async (cursor) => {
    const page = unwrap(await api.GET("/v1/dead-letters", { params: { query: { limit: 25, cursor } } }));
    return { items: page.data, next: page.next_cursor };
  }, []);
  const replay = (d: DeadLetter) =>
    action.run(async () => {
      const replayed = unwrap(await api.POST("/v1/dead-letters/{id}/replay", { params: { path: { id: d.id } } }));
      list.setItems(list.items.map((x) => (x.id === d.id ? replayed : x)));
    }, `${d.eventType ?? "Message"} replayed.`);
  return (
    <Page title="Dead letters">
      <p class="muted">Queue messages that failed every retry. Replaying sends a message through the consumer again; handlers that already ran do not run twice.</p>
      <ProblemAlert error={list.error ?? action.error} />
      <Table
        caption="Dead letters"
        rows={list.items}
        rowKey={(d) => d.id}
        columns={[
          {
            label: "Event",
            rowHeader: true,
            render: (d) => (
              <>
                {d.eventType ?? "unknown"}
                <div class="muted small">{d.eventId ?? d.id}</div>
              </>
            ),
          },
          { label: "Status", render: (d) => <Badge value={d.status} /> },
          { label: "Attempts", num: true, render: (d) => d.attempts },
          { label: "Last dead", render: (d) => <Time value={d.lastDeadAt} /> },
          {
            label: "Actions",
            hidden: true,
            render: (d) =>
              d.status === "dead" ? (
                <button type="button" class="secondary small" onClick={() => replay(d)}>
                  Replay<span class="visually-hidden"> {d.eventType}</span>
                </button>
              ) : (
                <Time value={d.replayedAt} />
              ),
          },
        ]}
      />
      <ListFooter list={list} what="dead letters" empty="No dead letters. Every event was handled." />
    </Page>
  );
}
