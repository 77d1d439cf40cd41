import { A, useLocation, useNavigate } from "@solidjs/router";
import { createSignal, Match, Switch } from "solid-js";
import { errorMessage } from "../lib/api.ts";
import { useSession } from "../lib/session.ts";
import { ThemeSwitch } from "./theme-switch.tsx";

export function SiteHeader() {
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
      <A href="/" class="brand" end>
        Parlor
      </A>
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
