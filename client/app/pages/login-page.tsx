import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { issueText } from "../../../shared/i18n/error-text.ts";
import { Credentials } from "../../../shared/schemas.ts";
import { Rich } from "../components/rich.tsx";
import { errorMessage } from "../lib/api.ts";
import { useT } from "../lib/locale.ts";
import { safeNextPath } from "../lib/next-path.ts";
import { useSession } from "../lib/session.ts";

type Mode = "signin" | "signup";

export function LoginPage() {
  const session = useSession();
  const t = useT();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams<{ mode?: string; next?: string }>();
  const mode = (): Mode => (search.mode === "signup" ? "signup" : "signin");
  const [form, setForm] = createStore({ username: "", password: "" });
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  createEffect(() => (document.title = t("common.pageTitle", { page: t("login.title") })));

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setError(null);
    const credentials = { username: form.username.trim(), password: form.password };
    if (mode() === "signup") {
      // The server checks the same schema; checking here first saves a round trip and explains the rule.
      const parsed = Credentials.safeParse(credentials);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return setError(issue ? issueText(issue, t) : t("login.checkBoth"));
      }
    } else if (!credentials.username || !credentials.password) {
      return setError(t("login.enterBoth"));
    }
    setBusy(true);
    try {
      await (mode() === "signup" ? session.signUp(credentials) : session.signIn(credentials));
      setForm("password", "");
      navigate(safeNextPath(search.next), { replace: true });
    } catch (e) {
      setError(errorMessage(e, t));
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
            <h1 id="login-heading">{mode() === "signup" ? t("login.headingSignUp") : t("login.headingSignIn")}</h1>
            <label for="username">{t("login.username")}</label>
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
                {t("login.usernameHelp")}
              </p>
            </Show>
            <label for="password">{t("login.password")}</label>
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
                {t("login.passwordHelp")}
              </p>
            </Show>
            <p class="error" role="alert">
              {error() ?? ""}
            </p>
            <button type="submit" disabled={busy()}>
              {mode() === "signup" ? t("login.submitSignUp") : t("login.submitSignIn")}
            </button>
            <p class="switch-mode">
              <Show
                when={mode() === "signup"}
                fallback={
                  <>
                    {t("login.newHere")}{" "}
                    <button
                      type="button"
                      class="link-button"
                      onClick={() => (setError(null), setSearch({ mode: "signup" }))}
                    >
                      {t("login.createAccount")}
                    </button>
                  </>
                }
              >
                {t("login.haveAccount")}{" "}
                <button
                  type="button"
                  class="link-button"
                  onClick={() => (setError(null), setSearch({ mode: undefined }))}
                >
                  {t("login.signIn")}
                </button>
              </Show>
            </p>
          </form>
        }
      >
        {(user) => (
          <div>
            <h1>{t("login.signedInHeading")}</h1>
            <p>
              <Rich
                text={t("login.signedInAs")}
                slots={{
                  name: () => <strong>{user().username}</strong>,
                  continue: (words) => <A href={safeNextPath(search.next)}>{words}</A>,
                }}
              />
            </p>
          </div>
        )}
      </Show>
    </section>
  );
}
