import { A, useLocation, useNavigate } from "@solidjs/router";
import { createSignal, Match, Show, Switch } from "solid-js";
import { errorMessage, useApi } from "../lib/api.ts";
import { MenuIcon } from "./icons.tsx";
import { SearchBox } from "./search-box.tsx";
import { useSession } from "../lib/session.ts";
import { ThemeSwitch } from "./theme-switch.tsx";

const text = {
  rooms: "Rooms",
  search: "Search messages",
};

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
  const [error, setError] = createSignal<string | null>(null);

  async function signOut() {
    setError(null);
    try {
      await session.signOut();
      if (location.pathname === "/login") navigate("/");
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const loginHref = () => (location.pathname === "/login" ? "/login" : `/login?next=${encodeURIComponent(location.pathname)}`);

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
            <span class="visually-hidden">{text.rooms}</span>
          </button>
        )}
      </Show>
      <A href="/" class="brand" end>
        Parlor
      </A>
      <SearchBox client={client} label={text.search} />
      <nav class="account" aria-label="Account">
        <ThemeSwitch />
        <Switch>
          <Match when={session.user()}>
            {(user) => (
              <>
                <span class="whoami">
                  Signed in as <strong>{user().username}</strong>
                </span>
                <A href="/account">Account</A>
                <button type="button" class="link-button" onClick={signOut}>
                  Sign out
                </button>
              </>
            )}
          </Match>
          <Match when={session.user() === null}>
            <A href={loginHref()}>Sign in</A>
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
