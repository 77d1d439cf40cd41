import { createSignal, Match, Switch } from "solid-js";
import { browserNotifications } from "../lib/mention-notifier.ts";

/** Asks for permission to notify mentions — only when clicked, never on load. */
export function NotifyMentionsButton() {
  const api = browserNotifications();
  const [permission, setPermission] = createSignal<NotificationPermission | null>(api?.permission ?? null);

  async function ask() {
    if (!api) return;
    setPermission(await api.requestPermission());
  }

  return (
    <Switch>
      <Match when={permission() === "default"}>
        <button type="button" class="link-button notify-mentions" onClick={ask}>
          Notify me of mentions
        </button>
      </Match>
      <Match when={permission() === "granted"}>
        <p class="hint notify-mentions">You are notified of mentions while Parlor is in the background.</p>
      </Match>
      <Match when={permission() === "denied"}>
        <p class="hint notify-mentions">Notifications are blocked for this site in your browser's settings.</p>
      </Match>
    </Switch>
  );
}
