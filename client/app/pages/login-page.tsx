import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { Credentials } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import { safeNextPath } from "../lib/next-path.ts";
import { useSession } from "../lib/session.ts";

type Mode = "signin" | "signup";

export function LoginPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams<{ mode?: string; next?: string }>();
  const mode = (): Mode => (search.mode === "signup" ? "signup" : "signin");
  const [form, setForm] = createStore({ username: "", password: "" });
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  document.title = "Sign in · Parlor";

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setError(null);
    const credentials = { username: form.username.trim(), password: form.password };
    if (mode() === "signup") {
      // The server checks the same schema; checking here first saves a round trip and explains the rule.
      const parsed = Credentials.safeParse(credentials);
      if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Check your username and password.");
    } else if (!credentials.username || !credentials.password) {
      return setError("Enter your username and password.");
    }
    setBusy(true);
    try {
      await (mode() === "signup" ? session.signUp(credentials) : session.signIn(credentials));
      setForm("password", "");
      navigate(safeNextPath(search.next), { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="page narrow">
      <Show
        when={session.user()}
        fallback={
          <form class="login" onSubmit={submit} novalidate aria-labelledby="login-heading">
            <h1 id="login-heading">{mode() === "signup" ? "Create an account" : "Sign in"}</h1>
            <label for="username">Username</label>
            <input
              id="username"
              name="username"
              type="text"
              autocomplete="username"
              autocapitalize="off"
              spellcheck={false}
              required
              value={form.username}
              onInput={(e) => setForm("username", e.currentTarget.value)}
              aria-describedby={mode() === "signup" ? "username-help" : undefined}
            />
            <Show when={mode() === "signup"}>
              <p id="username-help" class="hint">
                3 to 32 letters, digits, “_” or “-”.
              </p>
            </Show>
            <label for="password">Password</label>
            <input
              id="password"
              name="password"
              type="password"
              autocomplete={mode() === "signup" ? "new-password" : "current-password"}
              required
              value={form.password}
              onInput={(e) => setForm("password", e.currentTarget.value)}
              aria-describedby={mode() === "signup" ? "password-help" : undefined}
            />
            <Show when={mode() === "signup"}>
              <p id="password-help" class="hint">
                At least 8 characters.
              </p>
            </Show>
            <p class="error" role="alert">
              {error() ?? ""}
            </p>
            <button type="submit" disabled={busy()}>
              {mode() === "signup" ? "Create account" : "Sign in"}
            </button>
            <p class="switch-mode">
              <Show
                when={mode() === "signup"}
                fallback={
                  <>
                    New here?{" "}
                    <button type="button" class="link-button" onClick={() => (setError(null), setSearch({ mode: "signup" }))}>
                      Create an account
                    </button>
                  </>
                }
              >
                Already have an account?{" "}
                <button type="button" class="link-button" onClick={() => (setError(null), setSearch({ mode: undefined }))}>
                  Sign in
                </button>
              </Show>
            </p>
          </form>
        }
      >
        {(user) => (
          <div>
            <h1>You are signed in</h1>
            <p>
              Signed in as <strong>{user().username}</strong>. <A href={safeNextPath(search.next)}>Continue</A>, or sign out from the
              top of the page.
            </p>
          </div>
        )}
      </Show>
    </section>
  );
}
