import { A, useLocation, useNavigate } from "@solidjs/router";
import { createSignal, Match, Show, Switch } from "solid-js";
import { errorMessage, useApi } from "../lib/api.ts";
import { useT } from "../lib/locale.ts";
import { useSession } from "../lib/session.ts";
import { MenuIcon } from "./icons.tsx";
import { Rich } from "./rich.tsx";
import { SearchBox } from "./search-box.tsx";
import { ThemeSwitch } from "./theme-switch.tsx";

/** Phones: the button that opens your rooms as a drawer (absent where there is no sidebar: the index, a guest). */
export interface RoomsDrawerToggle {
  open: boolean;
  onToggle: () => void;
}

/** The app's header: your rooms (a drawer on phones), the one search over every room you can read, your account. */
export function SiteHeader(props: { roomsDrawer?: RoomsDrawerToggle | undefined }) {
  const { client } = useApi();
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const t = useT();
  const [error, setError] = createSignal<string | null>(null);

  async function signOut() {
    setError(null);
    try {
      await session.signOut();
      if (location.pathname === "/login") navigate("/");
    } catch (e) {
      setError(errorMessage(e, t));
    }
  }

  const loginHref = () =>
    location.pathname === "/login" ? "/login" : `/login?next=${encodeURIComponent(location.pathname)}`;

  return (
    <header class="site-header">
      <Show when={props.roomsDrawer}>
        {(drawer) => (
          <button
            id="rooms-drawer-button"
            type="button"
            class="secondary rooms-drawer-button"
            aria-expanded={drawer().open}
            aria-controls="rooms-sidebar"
            onClick={() => drawer().onToggle()}
          >
            <MenuIcon />
            <span class="visually-hidden">{t("shell.rooms")}</span>
          </button>
        )}
      </Show>
      <A href="/" class="brand" end>
        {t("common.appName")}
      </A>
      <SearchBox client={client} label={t("shell.searchMessages")} />
      <nav class="account" aria-label={t("shell.accountNav")}>
        <ThemeSwitch />
        <Switch>
          <Match when={session.user()}>
            {(user) => (
              <>
                <span class="whoami">
                  <Rich text={t("shell.signedInAs")} slots={{ name: () => <strong>{user().username}</strong> }} />
                </span>
                <A href="/account">{t("shell.account")}</A>
                <button type="button" class="link-button" onClick={signOut}>
                  {t("shell.signOut")}
                </button>
              </>
            )}
          </Match>
          <Match when={session.user() === null}>
            <A href={loginHref()}>{t("shell.signIn")}</A>
          </Match>
        </Switch>
        {error() && (
          <span role="alert" class="error">
            {error()}
          </span>
        )}
      </nav>
    </header>
  );
}
