import { A } from "@solidjs/router";
import { createSignal, onMount, Show } from "solid-js";
import { errorMessage } from "../lib/api.ts";
import { useT } from "../lib/locale.ts";
import { canRejoin, type RemovalKind, removalText } from "../lib/room-access.ts";
import type { RoomMembers } from "../lib/room-members.ts";

/**
 * Where the composer was, once you lost the room: what happened ("You left #x", "You were removed
 * from #x", "You were banned from #x") and only what can be done — Join for a public room you left
 * or were removed from (the page then starts again as a member), another room otherwise.
 */
export function RemovedNotice(props: {
  kind: RemovalKind;
  label: string;
  direct: boolean;
  members: RoomMembers;
  onJoined: () => void;
}) {
  const t = useT();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  // The room's info says whether it is public; it is asked again, since your role in it changed.
  onMount(() => void props.members.reload().catch(() => {}));

  async function join() {
    setBusy(true);
    setError(null);
    try {
      await props.members.join();
      props.onJoined();
    } catch (e) {
      setError(errorMessage(e, t));
      setBusy(false);
    }
  }

  return (
    <div id="removed-notice" class="removed-notice" role="alert" data-removal={props.kind}>
      <p>
        <strong>{removalText(t, props.kind, props.label, props.direct)}</strong> {t("roomPage.noMoreMessages")}
      </p>
      <p class="removed-actions">
        <Show when={canRejoin(props.kind, props.members.info.latest?.visibility)}>
          <button type="button" disabled={busy()} onClick={() => void join()}>
            {busy() ? t("roomPage.joining") : t("roomPage.join")}
          </button>
        </Show>
        <A href="/">{t("roomPage.chooseAnother")}</A>
      </p>
      <Show when={error()}>{(e) => <p class="error">{e()}</p>}</Show>
    </div>
  );
}
