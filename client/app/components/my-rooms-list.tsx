import { A, useLocation } from "@solidjs/router";
import { For, Match, Show, Switch } from "solid-js";
import { isDmRoom } from "../../../shared/schemas.ts";
import { useDmNames } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import { badgeLabel, useMyRooms } from "../lib/my-rooms.ts";
import { roomPath } from "../lib/room-name.ts";
import { Avatar } from "./avatar.tsx";
import { NewMessageForm } from "./new-message-form.tsx";
import { NotifyMentionsButton } from "./notify-mentions-button.tsx";

/** A small padlock, drawn (no emoji font needed), for private rooms. */
function LockIcon() {
  return (
    <svg class="lock" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <path
        fill="currentColor"
        d="M5 7V5a3 3 0 0 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2z"
      />
    </svg>
  );
}

/**
 * The signed-in person's rooms, direct conversations included, newest activity
 * first, each with its unread and mention badges from `me.rooms`.
 */
export function MyRoomsList(props: { headingId: string }) {
  const myRooms = useMyRooms();
  const names = useDmNames();
  const location = useLocation();
  const t = useT();
  const isCurrent = (room: string) => location.pathname === names.path(room) || location.pathname === roomPath(room);

  return (
    <Switch>
      <Match when={myRooms.failed()}>
        <p class="hint">{t("shell.yourRoomsFailed")}</p>
      </Match>
      <Match when={!myRooms.state().loaded}>
        <p class="hint">{t("common.loading")}</p>
      </Match>
      <Match when={myRooms.rooms().length === 0}>
        <p class="hint">{t("shell.noRoomsYet")}</p>
      </Match>
      <Match when={true}>
        <ul class="my-rooms" aria-labelledby={props.headingId}>
          <For each={myRooms.rooms()}>
            {(room) => (
              <li classList={{ unread: room.unread > 0 }} data-room={room.room}>
                <A href={names.path(room.room)} aria-current={isCurrent(room.room) ? "page" : undefined}>
                  <Show when={room.visibility === "private" && !isDmRoom(room.room)}>
                    <LockIcon />
                    <span class="visually-hidden">{t("shell.privatePrefix")}</span>
                  </Show>
                  <Show when={isDmRoom(room.room)}>
                    <Show when={names.peer(room.room)}>{(peer) => <Avatar username={peer()} size={20} />}</Show>
                    <span class="visually-hidden">{t("shell.directPrefix")}</span>
                  </Show>
                  <span class="my-room-name">{names.label(room.room)}</span>
                  <Show when={room.unread > 0}>
                    <span class="badges">
                      <span class="visually-hidden">, {badgeLabel(t, room)}</span>
                      <Show when={room.mentions > 0}>
                        <span class="badge mention" aria-hidden="true">
                          @{room.mentions}
                        </span>
                      </Show>
                      <span class="badge unread-count" aria-hidden="true">
                        {room.unread}
                      </span>
                    </span>
                  </Show>
                </A>
              </li>
            )}
          </For>
        </ul>
      </Match>
    </Switch>
  );
}

/** "Your rooms" with its list and the offer to notify mentions: the index's section and the wide screens' sidebar. */
export function MyRoomsSection(props: {
  id: string;
  class?: string;
  classList?: Record<string, boolean>;
  as?: "section" | "nav";
}) {
  const t = useT();
  const headingId = `${props.id}-heading`;
  const body = () => (
    <>
      <h2 id={headingId}>{t("shell.yourRooms")}</h2>
      <MyRoomsList headingId={headingId} />
      <NewMessageForm id={`${props.id}-new-message`} />
      <NotifyMentionsButton />
    </>
  );
  return props.as === "nav" ? (
    <nav id={props.id} class={props.class} classList={props.classList ?? {}} aria-labelledby={headingId}>
      {body()}
    </nav>
  ) : (
    <section id={props.id} class={props.class} aria-labelledby={headingId}>
      {body()}
    </section>
  );
}
