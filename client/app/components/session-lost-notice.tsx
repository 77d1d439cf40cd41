import { A, useLocation } from "@solidjs/router";
import { Show } from "solid-js";
import { useT } from "../lib/locale.ts";
import { useSession } from "../lib/session.ts";

/**
 * Said at once when the server ends this page's session without the page signing out
 * (the socket closed with 4001, then auth.me answered nobody): the page is a guest's now.
 */
export function SessionLostNotice() {
  const session = useSession();
  const location = useLocation();
  const t = useT();
  return (
    <Show when={session.lost() && session.user() === null}>
      <div id="session-lost" class="session-lost" role="alert">
        <strong>{t("shell.sessionLostTitle")}</strong> {t("shell.sessionLostWhy")}{" "}
        <A href={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>
          {t("shell.sessionLostSignIn")}
        </A>
      </div>
    </Show>
  );
}
