import { Match, Switch } from "solid-js";
import { isDmRoom } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import type { RoomLog } from "../lib/room-log.ts";

/**
 * The top of the timeline: what is above the oldest message shown — the
 * saved copy's notice offline, a failed or running load, the way to older
 * messages, or the beginning of the room.
 */
export function HistoryEdge(props: { room: RoomLog; /** "#lobby", or the other person's name. */ label: string; savedAt: string | null; loadOlder: () => void }) {
  return (
    <div class="history-edge">
      <Switch>
        <Match when={props.savedAt}>
          {(savedAt) => (
            <p class="hint offline-copy" role="status">
              Offline: showing the messages saved on this device ({new Date(savedAt()).toLocaleString()}).
            </p>
          )}
        </Match>
        <Match when={props.room.firstPageError()}>
          <p class="error" role="alert">
            The messages could not be loaded: {errorMessage(props.room.firstPageError())}{" "}
            <button type="button" class="link-button" onClick={() => props.room.retryFirstPage()}>
              Try again
            </button>
          </p>
        </Match>
        <Match when={!props.room.log().loaded || props.room.loadingOlder()}>
          <p class="hint">Loading messages…</p>
        </Match>
        <Match when={props.room.olderError()}>
          <p class="error">
            Older messages could not be loaded.{" "}
            <button type="button" class="link-button" onClick={() => props.loadOlder()}>
              Try again
            </button>
          </p>
        </Match>
        <Match when={props.room.hasOlder()}>
          <button type="button" class="link-button" onClick={() => props.loadOlder()}>
            Load older messages
          </button>
        </Match>
        <Match when={props.room.reachedBeginning() && props.room.messages().length > 0}>
          <p class="hint">{isDmRoom(props.room.room) ? `This is the beginning of your conversation with ${props.label}.` : `This is the beginning of ${props.label}.`}</p>
        </Match>
        <Match when={props.room.reachedBeginning()}>
          <p class="hint">No messages yet. Say hello!</p>
        </Match>
      </Switch>
    </div>
  );
}
