import { A, useNavigate, useParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, Show } from "solid-js";
import { isDmRoom } from "../../../shared/schemas.ts";
import { Composer } from "../components/composer.tsx";
import { MembersPanel } from "../components/members-panel.tsx";
import { PresenceList } from "../components/presence-list.tsx";
import { RoomHeader } from "../components/room-header.tsx";
import { Timeline } from "../components/timeline.tsx";
import { errorMessage } from "../lib/api.ts";
import { useDmNames } from "../lib/dm-names.ts";
import { isNotFound, removalNotice } from "../lib/room-access.ts";
import { checkRoomName, roomFromPath, roomPath } from "../lib/room-name.ts";
import { createRoomView, type RoomView as RoomViewState } from "../lib/room-view.ts";
import { NotFoundPage } from "./not-found-page.tsx";

export function RoomPage() {
  const params = useParams<{ room: string }>();
  const names = useDmNames();
  const navigate = useNavigate();
  // A direct conversation's address is its peer's: /room/dm:1:2/ (an old link) moves to /dm/ann/ once the peer is known.
  createEffect(() => {
    const room = roomFromPath(params.room);
    if (!isDmRoom(room)) return;
    const path = names.path(room);
    if (path.startsWith("/dm/")) navigate(path, { replace: true });
  });
  // Keyed: another room is another page, with its own history and subscription.
  return (
    <Show when={checkRoomName(roomFromPath(params.room))} keyed>
      {(check) =>
        check.ok ? (
          <RoomView name={check.name} />
        ) : (
          <section class="page narrow">
            <h1>This is not a room name</h1>
            <p class="error">{check.error}</p>
            <p>
              <A href="/">Choose another room</A>
            </p>
          </section>
        )
      }
    </Show>
  );
}

/** One room's page (also a direct conversation's, at /dm/<username>/). */
export function RoomView(props: { name: string }) {
  const v = createRoomView(props.name);
  const [membersOpen, setMembersOpen] = createSignal(false);
  /** Set when the stream ended because this user lost access (kicked, banned, left): the composer goes. */
  const removal = createMemo(() => {
    const error = v.room.streamError();
    return error ? removalNotice(error, props.name, v.label()) : null;
  });
  /** Names `@` completes to: members of the room and the people present. */
  const mentionNames = () => [...(v.members.members.latest ?? []).map((m) => m.username), ...(v.presence.presence()?.users ?? [])];

  return (
    <Show when={!isNotFound(v.room.firstPageError())} fallback={<NotFoundPage />}>
      <section class="room" aria-labelledby="room-heading">
        <RoomHeader view={v} membersOpen={membersOpen()} onToggleMembers={() => setMembersOpen((open) => !open)} />
        <Show when={membersOpen() && !removal()}>
          <MembersPanel room={props.name} members={v.members} self={v.self() ?? null} onClose={() => setMembersOpen(false)} />
        </Show>
        <Show when={!removal()}>
          <PresenceList presence={v.presence.presence()} self={v.self()} notice={v.presence.notice()} />
        </Show>
        <Timeline view={v} />
        <p id="typing-indicator" class="typing-line">
          {v.presence.typingText()}
        </p>
        <div class="visually-hidden" aria-live="polite" aria-atomic="true">
          {v.announcement()}
        </div>
        <RoomEnd view={v} removal={removal()} mentionNames={mentionNames} />
      </section>
    </Show>
  );
}

/** The bottom of the room: the composer, or why there is none any more (removed, or the live stream stopped). */
function RoomEnd(props: { view: RoomViewState; removal: string | null; mentionNames: () => Iterable<string> }) {
  const v = props.view;
  const loginHref = () => `/login?next=${encodeURIComponent(roomPath(v.room.room))}`;
  return (
    <>
      <Show when={props.removal}>
        {(notice) => (
          <div class="removed-notice" role="alert">
            <p>
              <strong>{notice()}</strong> New messages are no longer shown here.
            </p>
            <p>
              <A href="/">Choose another room</A>
            </p>
          </div>
        )}
      </Show>
      <Show when={!props.removal && v.room.streamError()}>
        {(error) => (
          <p class="error" role="alert">
            Live updates stopped: {errorMessage(error())} Reload the page to try again.
          </p>
        )}
      </Show>
      <Show when={!props.removal}>
        <Composer
          room={v.room.room}
          label={v.label()}
          user={v.session.user()}
          state={v.composer}
          replyingTo={v.actions.replyingTo()}
          loginHref={loginHref()}
          inputRef={v.composerRef}
          mentionNames={props.mentionNames}
        />
      </Show>
    </>
  );
}
