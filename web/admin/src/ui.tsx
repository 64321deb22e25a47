// Small shared pieces: page frame with focus management, async data, problem alerts, fields, money.
import type { ComponentChildren, InputHTMLAttributes } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, type Problem } from "./api";
import { navigationCount } from "./router";

/** The navigation whose page heading last received focus (0: the first load, which moves no focus). */
let focusedAfter = 0;

/** Every page: one h1 that receives focus after navigation, and the document title. */
export function Page(props: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Edgeshop admin`;
    // Move focus to the new page's heading once per navigation; not on first load (the browser starts at
    // the top anyway), and not when a page re-renders without one: that used to pull a keyboard user who
    // had started tabbing (e.g. to the skip link) back to the heading while the first page was loading.
    if (navigationCount() !== focusedAfter) {
      focusedAfter = navigationCount();
      heading.current?.focus();
    }
  }, [props.title]);
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1} ref={heading}>
          {props.title}
        </h1>
        {props.actions ? <div class="actions">{props.actions}</div> : null}
      </div>
      {props.children}
    </>
  );
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  set: (data: T) => void;
}

/** Load data for a page; `deps` change reloads it. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return {
    data: state.data,
    error: state.error,
    loading: state.loading,
    reload: useCallback(() => setTick((n) => n + 1), []),
    set: useCallback((data: T) => setState({ data, loading: false }), []),
  };
}

export function problemOf(error: unknown): Problem | undefined {
  if (error === undefined || error === null) return undefined;
  if (error instanceof ApiError) return error.problem;
  return { type: "about:blank", title: "Something went wrong", status: 0, detail: error instanceof Error ? error.message : String(error) };
}

const FRIENDLY: Record<number, string> = {
  401: "Your session has ended or the credential is not valid. Sign in again.",
  403: "Your role does not allow this.",
  404: "Not found.",
  409: "This changed in the meantime, or conflicts with something that exists.",
  429: "Too many requests right now. Wait a moment and try again.",
};

/** A problem document shown to people: title, detail, and each invalid field with its pointer. */
export function ProblemAlert(props: { error: unknown; fieldLabels?: Record<string, string> }) {
  const problem = problemOf(props.error);
  if (!problem) return null;
  return (
    <div class="alert" role="alert" tabIndex={-1}>
      <p>
        <strong>{problem.status === 403 ? "Not allowed" : problem.title}</strong>
        {problem.status ? <span class="muted"> ({problem.status})</span> : null}
      </p>
      {FRIENDLY[problem.status] ? <p>{FRIENDLY[problem.status]}</p> : null}
      {problem.detail && problem.detail !== problem.title ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={e.pointer}>
              <code>{props.fieldLabels?.[e.pointer] ?? e.pointer}</code>: {e.detail}
            </li>
          ))}
        </ul>
      ) : null}
      {problem.request_id ? <p class="muted small">Request id {problem.request_id}</p> : null}
    </div>
  );
}

/** The field error for a JSON pointer such as `/variants/0/price/amount`. */
export function fieldError(error: unknown, pointer: string): string | undefined {
  return problemOf(error)?.errors?.find((e) => e.pointer === pointer)?.detail;
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { name: string; label: string; error?: string | undefined; hint?: string };
export function Field({ label, error, hint, ...input }: InputProps) {
  const id = `f-${input.name}`;
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      <label for={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p class="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

const formats = new Map<string, Intl.NumberFormat>();
/** Integer minor units + ISO 4217, formatted with the currency's own number of decimals. */
export function formatMoney(value: { amount: number; currency: string } | null | undefined): string {
  if (!value) return "–";
  let format = formats.get(value.currency);
  if (!format) formats.set(value.currency, (format = new Intl.NumberFormat(undefined, { style: "currency", currency: value.currency })));
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(value.amount / 10 ** digits);
}

export function Time(props: { value: string | null | undefined }) {
  if (!props.value) return <span class="muted">–</span>;
  const date = new Date(props.value);
  return (
    <time dateTime={props.value} title={props.value}>
      {date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
    </time>
  );
}

export function Badge(props: { value: string }) {
  return <span class={`badge badge-${props.value.toLowerCase().replace(/[^a-z]/g, "-")}`}>{props.value.replace(/_/g, " ")}</span>;
}

export function Loading(props: { what?: string }) {
  return (
    <p class="muted" role="status">
      Loading{props.what ? ` ${props.what}` : ""}…
    </p>
  );
}

/** A polite live region for results of actions ("Order ES-1 marked paid"). */
let announceTo: ((message: string) => void) | undefined;
export function announce(message: string): void {
  announceTo?.(message);
}
export function Announcer() {
  const [message, setMessage] = useState("");
  useEffect(() => {
    let hide: ReturnType<typeof setTimeout> | undefined;
    announceTo = (m) => {
      setMessage("");
      clearTimeout(hide);
      setTimeout(() => setMessage(m), 30);
      hide = setTimeout(() => setMessage(""), 6000);
    };
    return () => {
      announceTo = undefined;
    };
  }, []);
  return (
    <div class="toast" role="status" aria-live="polite" data-empty={message ? undefined : ""}>
      {message}
    </div>
  );
}

/** "Load more" for cursor pages. */
export function More(props: { next: string | null | undefined; onMore: (cursor: string) => void; busy?: boolean }) {
  if (!props.next) return null;
  const next = props.next;
  return (
    <p>
      <button type="button" class="secondary" disabled={props.busy} onClick={() => props.onMore(next)}>
        Load more
      </button>
    </p>
  );
}

/** Accumulates cursor pages of a list: first page on deps change, more on demand. */
export function usePages<T>(load: (cursor?: string) => Promise<{ items: T[]; next: string | null }>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(undefined);
    load().then(
      (page) => {
        if (!live) return;
        setItems(page.items);
        setNext(page.next);
        setLoading(false);
      },
      (e) => live && (setError(e), setLoading(false)),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const more = async (cursor: string) => {
    setLoading(true);
    try {
      const page = await load(cursor);
      setItems((list) => [...list, ...page.items]);
      setNext(page.next);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  return { items, setItems, next, error, loading, more, reload: () => setTick((n) => n + 1) };
}

export interface Column<T> {
  label: string;
  /** Visually hidden header (e.g. an actions column). */
  hidden?: boolean;
  num?: boolean;
  /** The row's header cell (<th scope="row">): what the row is about. */
  rowHeader?: boolean;
  render: (row: T) => ComponentChildren;
}

/** A data table: caption, scoped headers, numbers right-aligned, sideways scrolling on small screens. */
export function Table<T>(props: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string | number; rowClass?: (row: T) => string; framed?: boolean }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c.label} scope="col" class={c.num ? "num" : undefined}>
                {c.hidden ? <span class="visually-hidden">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr key={props.rowKey(row)} class={props.rowClass?.(row) || undefined}>
              {props.columns.map((c) =>
                c.rowHeader ? (
                  <th key={c.label} scope="row">
                    {c.render(row)}
                  </th>
                ) : (
                  <td key={c.label} class={c.num ? "num" : undefined}>
                    {c.render(row)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Under a list: "Loading…", the empty message, or "Load more". */
export function ListFooter(props: { list: { loading: boolean; items: unknown[]; next: string | null; more: (cursor: string) => void }; what: string; empty: string }) {
  return (
    <>
      {props.list.loading ? <Loading what={props.what} /> : props.list.items.length === 0 ? <p class="empty">{props.empty}</p> : null}
      <More next={props.list.next} onMore={props.list.more} busy={props.list.loading} />
    </>
  );
}

/**
 * One pattern for every button and form that changes something: run it, announce the result, keep the
 * API's problem for the page to show. `submit` also reads and resets the form.
 */
export function useAction() {
  const [error, setError] = useState<unknown>();
  const run = async (work: () => Promise<unknown>, message: string | ((result: unknown) => string), after?: () => void): Promise<boolean> => {
    setError(undefined);
    try {
      const result = await work();
      announce(typeof message === "string" ? message : message(result));
      after?.();
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  };
  const submit = (work: (data: FormData) => Promise<unknown>, message: string | ((result: unknown) => string), after?: () => void) => async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (await run(() => work(new FormData(form)), message, after)) form.reset();
  };
  return { error, setError, run, submit };
}
