import { createSignal, Match, Switch } from "solid-js";
import { useT } from "../lib/locale.ts";
import { browserNotifications } from "../lib/mention-notifier.ts";

/** Asks for permission to notify mentions — only when clicked, never on load. */
export function NotifyMentionsButton() {
  const api = browserNotifications();
  const t = useT();
  const [permission, setPermission] = createSignal<NotificationPermission | null>(api?.permission ?? null);

  async function ask() {
    if (!api) return;
    setPermission(await api.requestPermission());
  }

  return (
    <Switch>
      <Match when={permission() === "default"}>
        <button type="button" class="link-button notify-mentions" onClick={ask}>
          {t("notifications.askPermission")}
        </button>
      </Match>
      <Match when={permission() === "granted"}>
        <p class="hint notify-mentions">{t("notifications.granted")}</p>
      </Match>
      <Match when={permission() === "denied"}>
        <p class="hint notify-mentions">{t("notifications.denied")}</p>
      </Match>
    </Switch>
  );
}
