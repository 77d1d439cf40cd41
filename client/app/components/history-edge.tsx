import { Match, Switch } from "solid-js";
import { formatDateTime } from "../../../shared/i18n/format.ts";
import { isDmRoom } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import { useLocale } from "../lib/locale.ts";
import type { RoomLog } from "../lib/room-log.ts";

/**
 * What the reader must know of the whole timeline, shown above it: the saved
 * copy's notice offline, or a first page that failed to load (with Try again).
 */
export function TimelineStatus(props: { room: RoomLog; savedAt: string | null }) {
  const { t, locale } = useLocale();
  return (
    <Switch>
      <Match when={props.savedAt}>
        {(savedAt) => (
          <p class="hint offline-copy timeline-status" role="status">
            {t("roomPage.offlineCopy", { savedAt: formatDateTime(savedAt(), locale()) })}
          </p>
        )}
      </Match>
      <Match when={props.room.firstPageError()}>
        <p class="error timeline-status" role="alert">
          {t("roomPage.loadFailed", { error: errorMessage(props.room.firstPageError(), t) })}{" "}
          <button type="button" class="link-button" onClick={() => props.room.retryFirstPage()}>
            {t("roomPage.tryAgain")}
          </button>
        </p>
      </Match>
    </Switch>
  );
}

/**
 * The top of the timeline, inside it: what is above the oldest message shown —
 * a running load, the way to older messages, or the beginning of the room.
 * `hidden` while TimelineStatus speaks for the timeline (offline, or its first
 * page failed).
 */
export function HistoryEdge(props: {
  room: RoomLog /** "#lobby", or the other person's name. */;
  label: string;
  hidden: boolean;
  loadOlder: () => void;
}) {
  const { t } = useLocale();
  return (
    <div class="history-edge">
      <Switch>
        <Match when={props.hidden}>{null}</Match>
        <Match when={!props.room.log().loaded || props.room.loadingOlder()}>
          {" "}
          <p class="hint">{t("roomPage.loadingMessages")}</p>
        </Match>
        <Match when={props.room.olderError()}>
          <p class="error">
            {t("roomPage.olderFailed")}{" "}
            <button type="button" class="link-button" onClick={() => props.loadOlder()}>
              {t("roomPage.tryAgain")}
            </button>
          </p>
        </Match>
        <Match when={props.room.hasOlder()}>
          <button type="button" class="link-button" onClick={() => props.loadOlder()}>
            {t("roomPage.loadOlder")}
          </button>
        </Match>
        <Match when={props.room.reachedBeginning() && props.room.messages().length > 0}>
          <p class="hint">
            {isDmRoom(props.room.room)
              ? t("roomPage.beginningDirect", { user: props.label })
              : t("roomPage.beginning", { room: props.label })}
          </p>
        </Match>
        <Match when={props.room.reachedBeginning()}>
          <p class="hint">{t("roomPage.noMessages")}</p>
        </Match>
      </Switch>
    </div>
  );
}
