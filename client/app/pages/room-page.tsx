import { A, Navigate, useLocation, useNavigate, useParams } from "@solidjs/router";
import { createEffect, createSignal, Show } from "solid-js";
import { isDmRoom } from "../../../shared/schemas.ts";
import { Composer } from "../components/composer.tsx";
import { MembersPanel } from "../components/members-panel.tsx";
import { PresenceList } from "../components/presence-list.tsx";
import { RemovedNotice } from "../components/removed-notice.tsx";
import { RoomHeader } from "../components/room-header.tsx";
import { Timeline } from "../components/timeline.tsx";
import { errorMessage } from "../lib/api.ts";
import { useDmNames } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import { isNotFound } from "../lib/room-access.ts";
import { canonicalRoomPath, checkRoomName, roomFromPath, roomPath } from "../lib/room-name.ts";
import { createRoomView, type RoomView as RoomViewState } from "../lib/room-view.ts";
import { NotFoundPage } from "./not-found-page.tsx";

export function RoomPage() {
  const params = useParams<{ room: string }>();
  const location = useLocation();
  // One room, one address: `/room/General/` (or `%23general`) is replaced by `/room/general/`, its `?at=` kept.
  const canonical = () => canonicalRoomPath(params.room);
  const names = useDmNames();
  const navigate = useNavigate();
  const t = useT();
  // A direct conversation's address is its peer's: /room/dm:1:2/ (an old link) moves to /dm/ann/ once the peer is known.
  createEffect(() => {
    const room = roomFromPath(params.room);
    if (!isDmRoom(room)) return;
    const path = names.path(room);
    if (path.startsWith("/dm/")) navigate(path, { replace: true });
  });
  return (
    <Show when={canonical() === null} fallback={<Navigate href={`${canonical()}${location.search}`} />}>
      {/* Keyed: another room is another page, with its own history and subscription. */}
      <Show when={checkRoomName(t, roomFromPath(params.room))} keyed>
        {(check) =>
          check.ok ? (
            <RejoinableRoom name={check.name} />
          ) : (
            <section class="page narrow">
              <h1>{t("roomPage.notARoomName")}</h1>
              <p class="error">{check.error}</p>
              <p>
                <A href="/">{t("roomPage.chooseAnother")}</A>
              </p>
            </section>
          )
        }
      </Show>
    </Show>
  );
}

/**
 * One room's page (also a direct conversation's, at /dm/<username>/), started again (history,
 * stream, presence) after you join it back from the notice that you had left.
 */
export function RejoinableRoom(props: { name: string }) {
  const [joins, setJoins] = createSignal(0);
  return (
    <Show when={joins() + 1} keyed>
      {(_join) => <RoomView name={props.name} onRejoined={() => setJoins((n) => n + 1)} />}
    </Show>
  );
}

function RoomView(props: { name: string; onRejoined: () => void }) {
  const v = createRoomView(props.name);
  const [membersOpen, setMembersOpen] = createSignal(false);
  /** Names `@` completes to: members of the room and the people present. */
  const mentionNames = () => [
    ...(v.members.members.latest ?? []).map((m) => m.username),
    ...(v.presence.presence()?.users ?? []),
  ];

  return (
    <Show when={!isNotFound(v.room.firstPageError())} fallback={<NotFoundPage />}>
      <section class="room" aria-labelledby="room-heading">
        <RoomHeader view={v} membersOpen={membersOpen()} onToggleMembers={() => setMembersOpen((open) => !open)} />
        <Show when={membersOpen() && !v.removal()}>
          <MembersPanel
            room={props.name}
            members={v.members}
            self={v.self() ?? null}
            onClose={() => setMembersOpen(false)}
          />
        </Show>
        <Show when={!v.removal()}>
          <PresenceList presence={v.presence.presence()} self={v.self()} notice={v.presence.notice()} />
        </Show>
        <Timeline view={v} />
        <p id="typing-indicator" class="typing-line">
          {v.presence.typingText()}
        </p>
        <div class="visually-hidden" aria-live="polite" aria-atomic="true">
          {v.announcement()}
        </div>
        <RoomEnd view={v} mentionNames={mentionNames} onRejoined={props.onRejoined} />
      </section>
    </Show>
  );
}

/** The bottom of the room: the composer, or why there is none any more (left, removed, banned, or the live stream stopped). */
function RoomEnd(props: { view: RoomViewState; mentionNames: () => Iterable<string>; onRejoined: () => void }) {
  const v = props.view;
  const t = useT();
  const loginHref = () => `/login?next=${encodeURIComponent(roomPath(v.room.room))}`;
  return (
    <>
      <Show when={v.removal()}>
        {(kind) => (
          <RemovedNotice
            kind={kind()}
            label={v.label()}
            direct={isDmRoom(v.room.room)}
            members={v.members}
            onJoined={props.onRejoined}
          />
        )}
      </Show>
      <Show when={!v.removal() && v.room.streamError()}>
        {(error) => (
          <p class="error" role="alert">
            {t("roomPage.liveStopped", { error: errorMessage(error(), t) })}
          </p>
        )}
      </Show>
      <Show when={!v.removal()}>
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
