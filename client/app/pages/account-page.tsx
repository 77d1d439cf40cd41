import { A, useNavigate } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, Match, Show, Switch } from "solid-js";
import { createStore } from "solid-js/store";
import { LanguagePicker } from "../components/language-picker.tsx";
import { ProfileForm } from "../components/profile-form.tsx";
import { Rich } from "../components/rich.tsx";
import { createAccount, describeSession, passwordFormProblem } from "../lib/account.ts";
import { errorMessage, useApi } from "../lib/api.ts";
import { useLocale } from "../lib/locale.ts";
import { useSession } from "../lib/session.ts";

export function AccountPage() {
  const session = useSession();
  const { client } = useApi();
  const navigate = useNavigate();
  const language = useLocale();
  const t = language.t;
  const account = createAccount(client, () => session.user()?.id ?? null, t);
  const [form, setForm] = createStore({ currentPassword: "", newPassword: "", repeatPassword: "" });
  const [passwordError, setPasswordError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [sessionsError, setSessionsError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  createEffect(() => (document.title = t("common.pageTitle", { page: t("accountPage.title") })));

  async function changePassword(event: SubmitEvent) {
    event.preventDefault();
    setPasswordError(null);
    setNotice(null);
    const problem = passwordFormProblem(t, form);
    if (problem) return setPasswordError(problem);
    setBusy(true);
    try {
      setNotice(await account.changePassword(form));
      setForm({ currentPassword: "", newPassword: "", repeatPassword: "" });
    } catch (e) {
      setPasswordError(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  async function endSession(id: string) {
    setSessionsError(null);
    try {
      await account.endSession(id);
    } catch (e) {
      setSessionsError(errorMessage(e, t));
    }
  }

  async function signOutEverywhere() {
    setSessionsError(null);
    try {
      await session.signOutEverywhere();
      navigate("/login", { replace: true });
    } catch (e) {
      setSessionsError(errorMessage(e, t));
    }
  }

  return (
    <section class="page narrow">
      <Switch>
        <Match when={session.user() === null}>
          <h1>{t("accountPage.heading")}</h1>
          <p>
            <Rich
              text={t("accountPage.signInToSee")}
              slots={{ signIn: (words) => <A href="/login?next=%2Faccount">{words}</A> }}
            />
          </p>
        </Match>
        <Match when={session.user()}>
          {(user) => (
            <>
              <h1>{t("accountPage.heading")}</h1>
              <p>
                <Rich text={t("accountPage.signedInAs")} slots={{ name: () => <strong>{user().username}</strong> }} />
              </p>

              <ProfileForm
                username={user().username}
                save={account.updateDisplayName}
                saveAvatar={account.updateAvatar}
              />

              <form class="login" onSubmit={changePassword} novalidate aria-labelledby="password-heading">
                <h2 id="password-heading">{t("accountPage.changePassword")}</h2>
                <label for="current-password">{t("accountPage.currentPassword")}</label>
                <input
                  id="current-password"
                  type="password"
                  autocomplete="current-password"
                  value={form.currentPassword}
                  onInput={(e) => setForm("currentPassword", e.currentTarget.value)}
                />
                <label for="new-password">{t("accountPage.newPassword")}</label>
                <input
                  id="new-password"
                  type="password"
                  autocomplete="new-password"
                  aria-describedby="new-password-help"
                  value={form.newPassword}
                  onInput={(e) => setForm("newPassword", e.currentTarget.value)}
                />
                <p id="new-password-help" class="hint">
                  {t("accountPage.newPasswordHelp")}
                </p>
                <label for="repeat-password">{t("accountPage.repeatPassword")}</label>
                <input
                  id="repeat-password"
                  type="password"
                  autocomplete="new-password"
                  value={form.repeatPassword}
                  onInput={(e) => setForm("repeatPassword", e.currentTarget.value)}
                />
                <p class="error" role="alert">
                  {passwordError() ?? ""}
                </p>
                <p class="hint" role="status">
                  {notice() ?? ""}
                </p>
                <button type="submit" disabled={busy()}>
                  {t("accountPage.changePassword")}
                </button>
              </form>

              <h2 id="sessions-heading">{t("accountPage.sessions")}</h2>
              <Show
                when={account.sessions.error ? undefined : account.sessions.latest}
                fallback={
                  <p class="hint">
                    {account.sessions.error ? errorMessage(account.sessions.error, t) : t("common.loading")}
                  </p>
                }
              >
                {(list) => (
                  <ul class="room-list session-list" aria-labelledby="sessions-heading">
                    <For each={list()}>
                      {(s) => {
                        // Worded again when the language changes: its sentences and dates are the page's language.
                        const shown = createMemo(() => describeSession(t, s, language.locale()));
                        return (
                          <li data-session-id={s.id} data-current={s.current ? "" : undefined}>
                            <span>
                              <strong>{shown().label}</strong>: {shown().device}
                              <br />
                              <span class="hint">{[shown().active, shown().address].filter(Boolean).join(" · ")}</span>
                              <br />
                              <span class="hint">
                                {shown().since} · {shown().expires}
                              </span>
                            </span>
                            <Show when={!s.current}>
                              <button
                                type="button"
                                class="secondary"
                                aria-label={t("accountPage.signOutSession", {
                                  device: shown().device,
                                  active: shown().active,
                                })}
                                onClick={() => void endSession(s.id)}
                              >
                                {t("accountPage.signOut")}
                              </button>
                            </Show>
                          </li>
                        );
                      }}
                    </For>
                  </ul>
                )}
              </Show>
              <p class="error" role="alert">
                {sessionsError() ?? ""}
              </p>
              <button type="button" onClick={signOutEverywhere}>
                {t("accountPage.signOutEverywhere")}
              </button>
            </>
          )}
        </Match>
      </Switch>
      <LanguagePicker />
    </section>
  );
}
