import { useEffect, useRef, useState } from "preact/hooks";
import { isDevelopment, signInStaff, signInWithKey } from "../api";
import { Field, ProblemAlert } from "../ui";

export function SignInPage() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [withKey, setWithKey] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = "Sign in · Edgeshop admin";
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      if (withKey) await signInWithKey(String(form.get("apiKey")).trim());
      else await signInStaff(String(form.get("email")).trim(), String(form.get("password")));
    } catch (e) {
      setError(e);
      heading.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title" noValidate={false}>
        <p class="brand">
          Edgeshop <span>admin</span>
        </p>
        <h1 id="sign-in-title" tabIndex={-1} ref={heading}>
          Sign in
        </h1>
        <ProblemAlert error={error} />
        {withKey ? (
          <Field
            label="Admin API key"
            name="apiKey"
            type="password"
            autoComplete="off"
            required
            hint="Development only: e.g. the bootstrap key from .dev.vars. Kept in this tab's session storage."
          />
        ) : (
          <>
            <Field label="Email" name="email" type="email" autoComplete="username" required />
            <Field label="Password" name="password" type="password" autoComplete="current-password" required />
          </>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {isDevelopment ? (
          <p>
            <button type="button" class="link" onClick={() => (setWithKey(!withKey), setError(undefined))}>
              {withKey ? "Sign in with email and password" : "Use an admin API key instead (development)"}
            </button>
          </p>
        ) : null}
      </form>
    </main>
  );
}
