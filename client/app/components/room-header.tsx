import { Show } from "solid-js";
import { useT } from "../lib/locale.ts";
import type { RoomView } from "../lib/room-view.ts";
import { ConnectionBadge } from "./connection-badge.tsx";
import { PeopleIcon } from "./icons.tsx";

/**
 * The room's name and topic; its connection and the button that opens the members panel — neither once
 * you lost the room (the page says why instead). Searching is the site header's, over every room.
 * On a phone the name comes first: the connection is a dot and the members button an icon with the count.
 */
export function RoomHeader(props: { view: RoomView; membersOpen: boolean; onToggleMembers: () => void }) {
  const v = props.view;
  const t = useT();
  return (
    <header class="room-header">
      <div class="room-title">
        <h1 id="room-heading">{v.label()}</h1>
        <Show when={v.members.info.latest?.topic}>{(topic) => <p class="room-topic">{topic()}</p>}</Show>
      </div>
      <div class="room-tools">
        <Show when={!v.removal()}>
          <ConnectionBadge status={v.room.status()} />
        </Show>
        <Show when={!v.removal() && v.members.info.latest}>
          {(info) => (
            <button
              type="button"
              class="secondary members-button"
              aria-expanded={props.membersOpen}
              aria-controls={props.membersOpen ? "members-panel" : undefined}
              onClick={() => props.onToggleMembers()}
            >
              <PeopleIcon />
              <span class="members-label">{t("roomPage.membersButton", { count: info().members })}</span>
              {/* On a phone the icon and the bare count stand for the words (still the button's name). */}
              <span class="members-count" aria-hidden="true">
                {info().members}
              </span>
            </button>
          )}
        </Show>
      </div>
    </header>
  );
}
