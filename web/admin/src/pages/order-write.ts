// One pattern for every write on the order page: an Idempotency-Key per intent, the problem kept for
// the card to show next to its fields, the result announced, and focus moved where a keyboard or
// screen-reader user expects it (the card's heading after success, the first invalid field or the
// alert after a refusal).
import type { RefObject } from "preact";
import { useRef, useState } from "preact/hooks";
import { ApiError, idempotencyKey } from "../api";
import { announce } from "../ui";

export interface OrderWrite {
  error: unknown;
  busy: string | undefined;
  /** The intent the shown error belongs to (a card may hold several forms). */
  failed: string | undefined;
  /**
   * Runs `work` with the Idempotency-Key for `intent`. The key is kept until the server answers: a
   * retry after a network failure (no answer) sends the same key, so it cannot capture, refund or
   * ship twice; after any answer the next attempt is a new intent with a new key.
   */
  run: (intent: string, work: (key: string) => Promise<unknown>, done: string) => Promise<boolean>;
  /** Shows a problem found before sending (e.g. an amount that is not a number) like the server's. */
  refuse: (intent: string, pointer: string, detail: string) => void;
}

export function useOrderWrite(card: RefObject<HTMLElement | null>, onDone: () => void): OrderWrite {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const keys = useRef(new Map<string, string>());

  const focusProblem = () =>
    requestAnimationFrame(() => {
      const target = card.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? card.current?.querySelector<HTMLElement>('[role="alert"]');
      target?.focus();
    });

  const run: OrderWrite["run"] = async (intent, work, done) => {
    let key = keys.current.get(intent);
    if (!key) keys.current.set(intent, (key = idempotencyKey()));
    setBusy(intent);
    setError(undefined);
    setFailed(undefined);
    try {
      await work(key);
      keys.current.delete(intent);
      announce(done);
      onDone();
      card.current?.querySelector<HTMLElement>("h2")?.focus();
      return true;
    } catch (e) {
      if (e instanceof ApiError) keys.current.delete(intent);
      setError(e);
      setFailed(intent);
      focusProblem();
      return false;
    } finally {
      setBusy(undefined);
    }
  };

  const refuse: OrderWrite["refuse"] = (intent, pointer, detail) => {
    setFailed(intent);
    setError(new ApiError(400, { type: "about:blank", title: "Check the form", status: 400, errors: [{ pointer, detail }] }));
    focusProblem();
  };

  return { error, busy, failed, run, refuse };
}

