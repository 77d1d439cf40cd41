import { A, useLocation } from "@solidjs/router";
import { Show } from "solid-js";
import { useSession } from "../lib/session.ts";

const text = {
  title: "You were signed out.",
  why: "Your session ended: signed out everywhere, a new password, or it expired.",
  signIn: "Sign in again",
};

/**
 * Said at once when the server ends this page's session without the page signing out
 * (the socket closed with 4001, then auth.me answered nobody): the page is a guest's now.
 */
export function SessionLostNotice() {
  const session = useSession();
  const location = useLocation();
  return (
    <Show when={session.lost() && session.user() === null}>
      <div id="session-lost" class="session-lost" role="alert">
        <strong>{text.title}</strong> {text.why}{" "}
        <A href={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>{text.signIn}</A>
      </div>
    </Show>
  );
}
