import { A, useParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import { errorMessage, useApi } from "../lib/api.ts";
import { createComposerState } from "../lib/composer-state.ts";
import { createRoom } from "../lib/create-room.ts";
import { findMessage, type Message } from "../lib/message-log.ts";
import { quoteLine, quoteOf } from "../lib/reply-quote.ts";
import { checkRoomName, roomPath } from "../lib/room-name.ts";
import { createScrollFollower, isNearTop } from "../lib/scroll-follower.ts";
import { useSession } from "../lib/session.ts";
import { createUnreadTitle } from "../lib/unread-title.ts";
import { Composer } from "../components/composer.tsx";
import { ConnectionBadge } from "../components/connection-badge.tsx";
import { MessageItem } from "../components/message-item.tsx";
import { PresenceList } from "../components/presence-list.tsx";

export function RoomPage() {
  const params = useParams<{ room: string }>();
  // Keyed: another room is another page, with its own history and subscription.
  return (
    <Show when={checkRoomName(params.room)} keyed>
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
  const title = createUnreadTitle(`#${props.name} · Parlor`);

  const room = createRoom({
    client,
    room: props.name,
    self,
    inPlace: follower.inPlace,
    onIncoming(message) {
      follower.incoming(isOwn(message.sender));
      if (isOwn(message.sender)) return;
      setAnnouncement(`${message.sender}: ${message.text}`);
      title.arrived();
    },
  });

  const composer = createComposerState({
    send: (text) => room.send(text),
    reply: room.reply,
    edit: room.edit,
    messages: room.messages,
    self,
    onDraft: room.typed,
  });
  let composerInput: HTMLInputElement | undefined;
  // A message being edited or answered that gets deleted meanwhile ends the edit or reply.
  createEffect(() => {
    const log = room.log();
    composer.logChanged((seq) => findMessage(log, seq));
  });

  /** Why the last action on a message failed, shown in that message. */
  const [actionError, setActionError] = createSignal<{ seq: number; text: string } | null>(null);
  const failed = (seq: number) => (error: unknown) => setActionError({ seq, text: errorMessage(error) });
  const errorFor = (seq: number) => (actionError()?.seq === seq ? actionError()!.text : "");

  function react(message: Message, emoji: string, add: boolean) {
    setActionError(null);
    room.react(message.seq, emoji, add).catch(failed(message.seq));
  }

  function remove(message: Message) {
    setActionError(null);
    const mode = composer.mode();
    // Deleting the message being edited: the edit has nothing left to save.
    if (mode.kind === "edit" && mode.seq === message.seq) composer.cancel();
    room.remove(message.seq).then(() => messageElement(message.seq)?.focus({ preventScroll: true }), failed(message.seq));
  }

  function startReply(message: Message) {
    composer.reply(message);
    composerInput?.focus();
  }

  function startEdit(message: Message) {
    composer.edit(message);
    composerInput?.focus();
  }

  const messageElement = (seq: number) => list?.querySelector<HTMLElement>(`.message[data-seq="${seq}"]`) ?? undefined;

  /** The message briefly highlighted after jumping to it from a quote. */
  const [highlighted, setHighlighted] = createSignal<number | null>(null);
  let highlightTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(highlightTimer));

  /** Clicking a quote: loads older pages until the answered message is there, then shows it. */
  async function showQuoted(from: number, seq: number) {
    setActionError(null);
    const found = await room.loadUntil(seq, loadOlder);
    const el = found ? messageElement(seq) : undefined;
    if (!el) {
      setActionError({ seq: from, text: room.olderError() ? `Older messages could not be loaded: ${errorMessage(room.olderError())}` : "The message this answers is no longer in the room." });
      return;
    }
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
    setHighlighted(seq);
    clearTimeout(highlightTimer);
    highlightTimer = setTimeout(() => setHighlighted(null), 2000);
  }

  const editingSeq = () => {
    const mode = composer.mode();
    return mode.kind === "edit" ? mode.seq : null;
  };

  const replyingTo = () => {
    const mode = composer.mode();
    return mode.kind === "reply" ? quoteLine(quoteOf(room.quoted(mode.to))) : "";
  };

  async function loadOlder() {
    await follower.keepPosition(room.loadOlder);
    fillViewport();
  }

  /** A page that does not fill the screen cannot be scrolled up: fetch older pages until it does. */
  function fillViewport() {
    if (list && list.scrollHeight <= list.clientHeight && room.hasOlder() && !room.loadingOlder()) void loadOlder();
  }

  // Arriving: show the newest messages. (A memo, so later messages do not re-run it.)
  const loaded = createMemo(() => room.log().loaded);
  createEffect(
    on(
      loaded,
      (loaded) => {
        if (!loaded) return;
        queueMicrotask(() => {
          follower.scrollToBottom();
          fillViewport();
        });
      },
    ),
  );

  function onScroll() {
    follower.onScroll();
    if (list && isNearTop(list) && room.hasOlder() && !room.loadingOlder()) void loadOlder();
  }


  const loginHref = () => `/login?next=${encodeURIComponent(roomPath(props.name))}`;

  return (
    <section class="room" aria-labelledby="room-heading">
      <header class="room-header">
        <h1 id="room-heading">#{props.name}</h1>
        <ConnectionBadge status={room.status()} />
      </header>
      <PresenceList presence={room.presence()} self={self()} notice={room.presenceNotice()} />

      <div class="messages-frame">
        <div id="messages" ref={list} onScroll={onScroll} tabindex="0" role="region" aria-label={`Messages in #${props.name}`}>
          <div class="history-edge">
            <Switch>
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
          {/* Keyed by seq: a message changed in place keeps its element (and the focus, and its open menus). */}
          <For each={room.messages().map((m) => m.seq)}>
            {(seq) => (
              <Show when={findMessage(room.log(), seq)}>
                {(message) => (
                  <MessageItem
                    message={message()}
                    self={self() ?? null}
                    quote={message().replyTo === null ? null : quoteOf(room.quoted(message().replyTo!))}
                    highlighted={highlighted() === seq}
                    editing={editingSeq() === seq}
                    error={errorFor(seq)}
                    onShowQuoted={(target) => void showQuoted(seq, target)}
                    onReply={startReply}
                    onEdit={startEdit}
                    onDelete={remove}
                    onReact={react}
                  />
                )}
              </Show>
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
      <Show when={room.streamError()}>
        {(error) => (
          <p class="error" role="alert">
            Live updates stopped: {errorMessage(error())} Reload the page to try again.
          </p>
        )}
      </Show>
      <Composer
        room={props.name}
        user={session.user()}
        state={composer}
        replyingTo={replyingTo()}
        loginHref={loginHref()}
        inputRef={(el) => (composerInput = el)}
      />
    </section>
  );
}
