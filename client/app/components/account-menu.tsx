import { A, useLocation, useNavigate } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { errorMessage } from "../lib/api.ts";
import { createDisclosure } from "../lib/disclosure.ts";
import { useT } from "../lib/locale.ts";
import { useSession } from "../lib/session.ts";
import { Avatar } from "./avatar.tsx";
import { ThemeIcon } from "./icons.tsx";
import { Rich } from "./rich.tsx";
import { ThemeSwitch } from "./theme-switch.tsx";

/**
 * The header's account links and theme. Wide screens show them in a row; on
 * phones (account-menu.css) they fold behind one button — your initials, or
 * for a guest the theme's half circle beside Sign in — that opens them as a
 * panel under the header (a disclosure: Tab walks into it, Esc closes it).
 */
export function AccountMenu() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const t = useT();
  const menu = createDisclosure();
  const [error, setError] = createSignal<string | null>(null);

  async function signOut() {
    setError(null);
    try {
      await session.signOut();
      menu.close();
      if (location.pathname === "/login") navigate("/");
    } catch (e) {
      setError(errorMessage(e, t));
    }
  }

  const loginHref = () =>
    location.pathname === "/login" ? "/login" : `/login?next=${encodeURIComponent(location.pathname)}`;

  return (
    <nav class="account" aria-label={t("shell.accountNav")}>
      <div class="account-menu" ref={(el) => menu.setRoot(el)}>
        <button
          ref={menu.setButton}
          id="account-menu-button"
          type="button"
          class="secondary header-icon-button account-menu-button"
          aria-expanded={menu.open()}
          aria-controls="account-menu"
          onClick={() => menu.toggle()}
        >
          <Show when={session.user()} fallback={<ThemeIcon />}>
            {(user) => <Avatar username={user().username} size={26} />}
          </Show>
          <span class="visually-hidden">{session.user() ? t("shell.accountMenu") : t("shell.appearanceMenu")}</span>
        </button>
        <div id="account-menu" class="account-panel" classList={{ open: menu.open() }}>
          <ThemeSwitch />
          <Show when={session.user()}>
            {(user) => (
              <>
                <span class="whoami">
                  <Rich text={t("shell.signedInAs")} slots={{ name: () => <strong>{user().username}</strong> }} />
                </span>
                <A href="/account" onClick={() => menu.close()}>
                  {t("shell.account")}
                </A>
                <button type="button" class="link-button" onClick={signOut}>
                  {t("shell.signOut")}
                </button>
              </>
            )}
          </Show>
          {error() && (
            <span role="alert" class="error">
              {error()}
            </span>
          )}
        </div>
      </div>
      <Show when={session.user() === null}>
        <A href={loginHref()} class="sign-in-link">
          {t("shell.signIn")}
        </A>
      </Show>
    </nav>
  );
}
