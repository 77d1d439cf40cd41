import { A, useParams, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import { errorMessage, useApi } from "../lib/api.ts";
import { createComposerState } from "../lib/composer-state.ts";
import { createRoom } from "../lib/create-room.ts";
import { createHistoryCache } from "../lib/history-cache.ts";
import { browserStorage } from "../lib/known-user.ts";
import { timelinePlaces } from "../lib/message-groups.ts";
import { createRoomOutbox, type RoomOutbox } from "../lib/room-outbox.ts";
import { findMessage } from "../lib/message-log.ts";
import { quoteOf } from "../lib/reply-quote.ts";
import { createRoomActions } from "../lib/room-actions.ts";
import { checkRoomName, roomFromPath, roomPath } from "../lib/room-name.ts";
import { createScrollFollower, isNearTop } from "../lib/scroll-follower.ts";
import { useSession } from "../lib/session.ts";
import { createUnreadTitle } from "../lib/unread-title.ts";
import { useDmNames } from "../lib/dm-names.ts";
import { describeMemberEntry } from "../../../shared/member-entry-text.ts";
import type { MemberEntry } from "../../../shared/room-log.ts";
import type { Message } from "../lib/message-log.ts";
import { useMyRooms } from "../lib/my-rooms.ts";
import { isNotFound, removalNotice } from "../lib/room-access.ts";
import { createRoomMembers } from "../lib/room-members.ts";
import { isManagerRole } from "../lib/room-roles.ts";
import { createRoomReading } from "../lib/room-reading.ts";
import { isNotice, mergeTimeline, withNotice } from "../lib/timeline.ts";
import { MembersPanel } from "../components/members-panel.tsx";
import { NotFoundPage } from "./not-found-page.tsx";
import { Composer } from "../components/composer.tsx";
import { ConnectionBadge } from "../components/connection-badge.tsx";
import { DayDivider } from "../components/day-divider.tsx";
import { OutboxItem } from "../components/outbox-item.tsx";
import { MessageItem } from "../components/message-item.tsx";
import { PresenceList } from "../components/presence-list.tsx";
import { SearchBox } from "../components/search-box.tsx";

export function RoomPage() {
  const params = useParams<{ room: string }>();
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

function RoomView(props: { name: string }) {
  const { client } = useApi();
  const session = useSession();
  let list: HTMLDivElement | undefined;
  const follower = createScrollFollower(() => list);
  const [announcement, setAnnouncement] = createSignal("");
  const self = () => session.user()?.username;
  const isOwn = (sender: string) => self() === sender;
  const myRooms = useMyRooms();
  const names = useDmNames();
  const label = () => names.label(props.name);
  const title = createUnreadTitle(() => `${label()} · Parlor`, () => myRooms.totals()?.unread ?? null);
  const members = createRoomMembers({ client, room: props.name, userId: () => (session.user() === undefined ? undefined : (session.user()?.id ?? null)) });
  const [membersOpen, setMembersOpen] = createSignal(false);
  const [notices, setNotices] = createSignal<readonly MemberEntry[]>([]);
  const storage = browserStorage();
  /** The signed-in user's saved copy of this room, for a reload without a network. */
  const savedHistory = () => {
    const user = self();
    return storage && user ? createHistoryCache(storage, user) : null;
  };

  const room = createRoom({
    client,
    room: props.name,
    self,
    inPlace: follower.inPlace,
    savedHistory: {
      load: () => savedHistory()?.load(props.name) ?? null,
      save: (log) => savedHistory()?.save(props.name, log),
      drop: () => savedHistory()?.drop(props.name),
    },
    onConnected: () => outbox()?.flush(),
    onIncoming(message) {
      follower.incoming(isOwn(message.sender));
      if (isOwn(message.sender)) return;
      setAnnouncement(`${message.sender}: ${message.text}`);
      // A room of yours is counted by me.rooms; one you only read, here.
      if (!myRooms.get(props.name)) title.arrived();
    },
    onMember(entry) {
      setNotices((n) => withNotice(n, entry));
      void members.reload().catch(() => {});
    },
  });
  // Becoming a member by a first message (no entry) or losing it shows in me.rooms: the role changed.
  createEffect(on(() => myRooms.get(props.name) !== undefined, () => void members.reload().catch(() => {}), { defer: true }));
  const timeline = createMemo(() => mergeTimeline(room.messages(), notices(), room.reachedBeginning()));
  const itemAt = createMemo(() => new Map(timeline().map((item) => [item.seq, item])));
  /** Set when the stream ended because this user lost access (kicked, banned, left): the composer goes. */
  const removal = createMemo(() => {
    const error = room.streamError();
    return error ? removalNotice(error, props.name) : null;
  });
  const reading = createRoomReading({
    client,
    room: props.name,
    myRooms,
    messages: room.messages,
    self,
    list: () => list,
    hasOlder: room.hasOlder,
    loadOlder: () => room.loadOlder(),
  });

  /** The signed-in user's unsent messages in this room (outbox.ts); none for a guest. */
  const outbox = createMemo<RoomOutbox | null>(() => {
    const user = self();
    if (!storage || !user) return null;
    return createRoomOutbox({ storage, user, room: props.name, send: room.deliver });
  });
  /** Through the outbox: shown at once as "sending…", stored when the server can be reached. */
  async function send(text: string, replyTo?: number): Promise<void> {
    const box = outbox();
    if (!box) {
      await room.send(text, replyTo);
      return;
    }
    box.send(text, replyTo);
    follower.incoming(true);
  }

  /** Day dividers and sender groups of the messages shown, by seq. */
  const places = createMemo(() => {
    const messages = room.messages();
    const of = timelinePlaces(messages);
    return new Map(messages.map((m, i) => [m.seq, of[i]!]));
  });
  /** Names `@` completes to: members of the room and the people present. */
  const mentionNames = () => [...(members.members.latest ?? []).map((m) => m.username), ...(room.presence()?.users ?? [])];

  const composer = createComposerState({
    send: (text) => send(text),
    reply: (to, text) => send(text, to),
    edit: room.edit,
    messages: room.messages,
    self,
    onDraft: room.typed,
  });
  let composerInput: HTMLTextAreaElement | undefined;
  // A message being edited or answered that gets deleted meanwhile ends the edit or reply.
  createEffect(() => {
    const log = room.log();
    composer.logChanged((seq) => findMessage(log, seq));
  });

  const messageElement = (seq: number) => list?.querySelector<HTMLElement>(`.message[data-seq="${seq}"]`) ?? undefined;
  const actions = createRoomActions({
    room,
    composer,
    loadOlder,
    show(seq) {
      const el = messageElement(seq);
      el?.scrollIntoView({ block: "center" });
      el?.focus({ preventScroll: true });
      return el !== undefined;
    },
    focus: (seq) => messageElement(seq)?.focus({ preventScroll: true }),
    focusComposer: () => composerInput?.focus(),
  });
  onCleanup(actions.dispose);

  async function loadOlder() {
    await follower.keepPosition(room.loadOlder);
    fillViewport();
  }

  /** A page that does not fill the screen cannot be scrolled up: fetch older pages until it does. */
  function fillViewport() {
    if (list && list.scrollHeight <= list.clientHeight && room.hasOlder() && !room.loadingOlder()) void loadOlder();
  }

  // `?at=<seq>` (a search result): load back to that message, then show it in context.
  const [searchParams] = useSearchParams<{ at?: string }>();

  // Arriving: show the first unread message under its divider, else the newest — unless a search result is to be shown.
  // (A memo, so later messages do not re-run it.)
  const loaded = createMemo(() => room.log().loaded && myRooms.settled());
  createEffect(
    on(loaded, async (loaded) => {
      if (!loaded) return;
      if (searchParams.at !== undefined) {
        // The newest first, as before; the search result's own effect then shows its message. The divider still marks what is new.
        queueMicrotask(() => {
          follower.scrollToBottom();
          fillViewport();
        });
        void reading.arrive();
        return;
      }
      const divider = await reading.arrive();
      queueMicrotask(() => {
        const line = divider === null ? null : list?.querySelector<HTMLElement>(".unread-divider");
        if (list && line) {
          list.scrollTop += line.getBoundingClientRect().top - list.getBoundingClientRect().top - 8;
          follower.onScroll();
        } else follower.scrollToBottom();
        fillViewport();
      });
    }),
  );

  createEffect(
    on([loaded, () => Number(searchParams.at)], async ([loaded, seq]) => {
      if (!loaded || !Number.isInteger(seq) || seq < 1) return;
      // Not there (deleted since, or past the pages we read): the room stays as it is.
      // A page already on its way (filling the screen, scrolling) is waited for, so each call loads one.
      const nextPage = async () => {
        while (room.loadingOlder()) await new Promise((resolve) => setTimeout(resolve, 50));
        await loadOlder();
      };
      if (!(await room.loadUntil(seq, nextPage))) return;
      queueMicrotask(() => {
        const target = messageElement(seq);
        if (!target) return;
        for (const old of list!.querySelectorAll(".message.target")) old.classList.remove("target");
        target.classList.add("target");
        target.scrollIntoView({ block: "center" });
      });
    }),
  );

  function onScroll() {
    follower.onScroll();
    if (list && isNearTop(list) && room.hasOlder() && !room.loadingOlder()) void loadOlder();
  }


  const loginHref = () => `/login?next=${encodeURIComponent(roomPath(props.name))}`;

  return (
    <Show when={!isNotFound(room.firstPage.error)} fallback={<NotFoundPage />}>
    <section class="room" aria-labelledby="room-heading">
      <header class="room-header">
        <div class="room-title">
          <h1 id="room-heading">{label()}</h1>
          <Show when={members.info.latest?.topic}>{(topic) => <p class="room-topic">{topic()}</p>}</Show>
        </div>
        <div class="room-tools">
          <ConnectionBadge status={room.status()} />
          <SearchBox client={client} room={props.name} label={`Search ${label()}`} />
          <Show when={members.info.latest}>
            {(info) => (
              <button
                type="button"
                class="secondary members-button"
                aria-expanded={membersOpen()}
                aria-controls={membersOpen() ? "members-panel" : undefined}
                onClick={() => setMembersOpen((open) => !open)}
              >
                Members ({info().members})
              </button>
            )}
          </Show>
        </div>
      </header>
      <Show when={membersOpen() && !removal()}>
        <MembersPanel room={props.name} members={members} self={self() ?? null} onClose={() => setMembersOpen(false)} />
      </Show>
      <Show when={!removal()}>
        <PresenceList presence={room.presence()} self={self()} notice={room.presenceNotice()} />
      </Show>

      <div class="messages-frame">
        <div id="messages" ref={list} onScroll={onScroll} tabindex="0" role="region" aria-label={`Messages in #${props.name}`}>
          <div class="history-edge">
            <Switch>
              <Match when={room.savedAt()}>
                {(savedAt) => (
                  <p class="hint offline-copy" role="status">
                    Offline: showing the messages saved on this device ({new Date(savedAt()).toLocaleString()}).
                  </p>
                )}
              </Match>
              <Match when={room.firstPage.error}>
                <p class="error" role="alert">
                  The messages could not be loaded: {errorMessage(room.firstPage.error)}{" "}
                  <button type="button" class="link-button" onClick={() => room.retryFirstPage()}>
                    Try again
                  </button>
                </p>
              </Match>
              <Match when={!room.log().loaded || room.loadingOlder()}>
                <p class="hint">Loading messages…</p>
              </Match>
              <Match when={room.olderError()}>
                <p class="error">
                  Older messages could not be loaded.{" "}
                  <button type="button" class="link-button" onClick={loadOlder}>
                    Try again
                  </button>
                </p>
              </Match>
              <Match when={room.hasOlder()}>
                <button type="button" class="link-button" onClick={loadOlder}>
                  Load older messages
                </button>
              </Match>
              <Match when={room.reachedBeginning() && room.messages().length > 0}>
                <p class="hint">This is the beginning of #{props.name}.</p>
              </Match>
              <Match when={room.reachedBeginning()}>
                <p class="hint">No messages yet. Say hello!</p>
              </Match>
            </Switch>
          </div>
          {/* Keyed by seq: messages and membership notices in log order; a message changed in place keeps its element (and the focus, and its open menus); the "New messages" divider above the first unread one. */}
          <For each={timeline().map((item) => item.seq)}>
            {(seq) => (
              <>
                <Show when={reading.dividerSeq() === seq}>
                  <div class="unread-divider" role="separator" aria-label="New messages">
                    <span aria-hidden="true">New messages</span>
                  </div>
                </Show>
                <Show when={itemAt().get(seq)} keyed>
                  {(item) =>
                    isNotice(item) ? (
                      <p class="member-notice" data-notice-seq={seq}>
                        {describeMemberEntry(item)}
                      </p>
                    ) : (
                      <Show when={findMessage(room.log(), seq)}>
                        {(message) => (
                          <>
                          <Show when={places().get(seq)?.dayDivider}>{(day) => <DayDivider label={day()} day={places().get(seq)!.day!} />}</Show>
                          <MessageItem
                            message={message()}
                            self={self() ?? null}
                            moderator={isManagerRole(members.info.latest?.role)}
                            quote={message().replyTo === null ? null : quoteOf(room.quoted(message().replyTo!))}
                            highlighted={actions.highlighted() === seq}
                            editing={actions.editing() === seq}
                            error={actions.errorFor(seq)}
                            onShowQuoted={(target) => void actions.showQuoted(seq, target)}
                            onReply={actions.reply}
                            onEdit={actions.edit}
                            onDelete={(m) => void actions.remove(m)}
                            onReact={(m, emoji, add) => void actions.react(m, emoji, add)}
                            continued={places().get(seq)?.startsGroup === false}
                          />
                          </>
                        )}
                      </Show>
                    )
                  }
                </Show>
              </>
            )}
          </For>
          <For each={outbox()?.entries() ?? []}>
            {(entry) => (
              <OutboxItem entry={entry} sender={self() ?? ""} onRetry={() => outbox()?.retry(entry.clientId)} onDiscard={() => outbox()?.discard(entry.clientId)} />
            )}
          </For>
        </div>
        <Show when={follower.unseen() > 0}>
          <button type="button" class="new-messages" onClick={() => follower.scrollToBottom()}>
            {follower.unseen()} new {follower.unseen() === 1 ? "message" : "messages"} ↓
          </button>
        </Show>
      </div>
      <p id="typing-indicator" class="typing-line">
        {room.typingText()}
      </p>

      <div class="visually-hidden" aria-live="polite" aria-atomic="true">
        {announcement()}
      </div>
      <Show when={removal()}>
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
      <Show when={!removal() && room.streamError()}>
        {(error) => (
          <p class="error" role="alert">
            Live updates stopped: {errorMessage(error())} Reload the page to try again.
          </p>
        )}
      </Show>
      <Show when={!removal()}>
        <Composer
          room={props.name}
          user={session.user()}
          state={composer}
          replyingTo={actions.replyingTo()}
          loginHref={loginHref()}
          inputRef={(el) => (composerInput = el)}
          mentionNames={mentionNames}
        />
      </Show>
    </section>
    </Show>
  );
}
