/**
 * The room page's state, composed from its primitives: the log (room-log.ts)
 * with its saved copy (saved-history.ts), presence, the user's writes and
 * outbox, the members, the read marker (room-reading.ts), arrival and jumps
 * (arrival.ts), the composer and the actions on a message. Only the wiring
 * lives here — which primitive tells which, and the Solid effects that react
 * to `me.rooms`, the session and the URL; components render the result.
 */
import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, on, onCleanup, onMount, useContext } from "solid-js";
import { english } from "../../../shared/i18n/index.ts";
import type { MemberEntry } from "../../../shared/room-log.ts";
import { useApi } from "./api.ts";
import { createArrival } from "./arrival.ts";
import { createComposerState } from "./composer-state.ts";
import { useDmNames } from "./dm-names.ts";
import { createHeldFiles } from "./held-files.ts";
import { createHistoryCache } from "./history-cache.ts";
import { browserStorage } from "./known-user.ts";
import { LocaleContext } from "./locale.ts";
import { findMessage } from "./message-log.ts";
import { type MyRooms, useMyRooms } from "./my-rooms.ts";
import { FilesNotKeptError } from "./outbox.ts";
import { removalKind } from "./room-access.ts";
import { createRoomActions } from "./room-actions.ts";
import { createRoomList, type RoomList } from "./room-list.ts";
import { createRoomLog, type RoomLog } from "./room-log.ts";
import { createRoomMembers } from "./room-members.ts";
import { createRoomOutbox, type RoomOutbox } from "./room-outbox.ts";
import { createRoomPresence } from "./room-presence.ts";
import { createRoomReading } from "./room-reading.ts";
import { createRoomWrites, type RoomWrites } from "./room-writes.ts";
import { createSavedHistory, type SavedHistoryStore } from "./saved-history.ts";
import { documentVisibility, watchSeenMessages } from "./seen-on-screen.ts";
import { useSession } from "./session.ts";
import { withNotice } from "./timeline.ts";
import { createUnreadTitle } from "./unread-title.ts";
import { sendUpload } from "./upload-transport.ts";
import type { OutgoingFile } from "./uploads.ts";

/** A touch screen: focusing the composer would open the on-screen keyboard over the room being opened. */
const coarsePointer = () => typeof matchMedia === "function" && matchMedia("(pointer: coarse)").matches;

/** The browser's "network is back" event; returns the unsubscribe. */
function onOnline(listener: () => void): () => void {
  window.addEventListener("online", listener);
  return () => window.removeEventListener("online", listener);
}

/** The signed-in user's saved copy of `room`, looked up at each use (the user may become known later); none for a guest. */
function savedStore(room: string, self: () => string | undefined): SavedHistoryStore {
  const storage = browserStorage();
  const cache = () => {
    const user = self();
    return storage && user ? createHistoryCache(storage, user) : null;
  };
  return {
    load: () => cache()?.load(room) ?? null,
    save: (log) => cache()?.save(room, log),
    drop: () => cache()?.drop(room),
  };
}

export function createRoomView(name: string) {
  const { client } = useApi();
  const session = useSession();
  const myRooms = useMyRooms();
  const names = useDmNames();
  const self = () => session.user()?.username;
  const label = () => names.label(name);
  // Read while the room page is set up, under its <LocaleContext.Provider>.
  const t = useContext(LocaleContext)?.t ?? english;
  const title = createUnreadTitle(
    () => `${label()} · Parlor`,
    () => myRooms.totals()?.unread ?? null,
  );
  const members = createRoomMembers({
    client,
    room: name,
    userId: () => (session.user() === undefined ? undefined : (session.user()?.id ?? null)),
  });
  const [announcement, setAnnouncement] = createSignal("");
  const [notices, setNotices] = createSignal<readonly MemberEntry[]>([]);
  let log: RoomLog | undefined;
  const list = createRoomList(() => log);
  const saved = createSavedHistory({ store: savedStore(name, self) });
  onCleanup(saved.dispose);

  log = createRoomLog({
    client,
    room: name,
    inPlace: list.follower.inPlace,
    saved,
    onConnected: () => outbox()?.flush(),
    onIncoming(message) {
      const own = self() === message.sender;
      list.follower.incoming(own);
      if (own) return;
      setAnnouncement(t("announce.message", { sender: message.sender, text: message.text }));
      // A room of yours is counted by me.rooms; one you only read, here.
      if (!myRooms.get(name)) title.arrived();
    },
    onMember(entry) {
      setNotices((n) => withNotice(n, entry));
      void members.reload().catch(() => {});
    },
  });
  const room = log;
  // Offline, the user may become known after the first page failed: their saved copy shows then.
  createEffect(on(self, () => room.showSavedCopy(), { defer: true }));
  onCleanup(onOnline(room.connected));
  const presence = createRoomPresence({ client, room: name, self, onStarted: room.connected, t });
  const writes = createRoomWrites({ client, room: name, log: room, typing: presence.typing, self });
  // Becoming a member by a first message (no entry) or losing it shows in me.rooms: the role changed.
  createEffect(
    on(
      () => myRooms.get(name) !== undefined,
      () => void members.reload().catch(() => {}),
      { defer: true },
    ),
  );

  const { outbox, send } = createSending({ room: name, self, writes, list });
  const { composer, actions, composerRef } = createMessageTools({
    room,
    writes,
    list,
    send,
    self,
    onDraft: presence.typed,
  });
  /** How this user lost the room, once its stream ended for that (left, removed, banned); null while they have it. */
  const removal = createMemo(() => removalKind(room.streamError()));
  const arrival = createReading({
    name,
    room,
    list,
    self,
    myRooms,
    markRead: (seq) => client.room.markRead.mutate({ room: name, seq }),
  });

  return {
    client,
    session,
    self,
    label,
    members,
    removal,
    announcement,
    notices,
    list,
    room,
    saved,
    presence,
    outbox,
    composer,
    actions,
    composerRef,
    arrival,
  };
}

/** The read marker as messages are seen, the divider on arrival, and `?at=<seq>` (a search result) shown in context. */
function createReading(opts: {
  name: string;
  room: RoomLog;
  list: RoomList;
  self: () => string | undefined;
  myRooms: MyRooms;
  markRead: (seq: number) => Promise<unknown>;
}) {
  const { myRooms } = opts;
  const mine = () => myRooms.get(opts.name);
  const reading = createRoomReading({
    markRead: opts.markRead,
    lastRead: () => mine()?.lastReadSeq,
    visibility: documentVisibility,
  });
  onCleanup(reading.dispose);
  createEffect(() => reading.roomsChanged());
  onMount(() => {
    const root = opts.list.element();
    if (root) onCleanup(watchSeenMessages(root, reading));
  });
  const arrival = createArrival({
    messages: opts.room.messages,
    self: opts.self,
    mine,
    hasOlder: opts.room.hasOlder,
    loadUntil: opts.room.loadUntil,
    view: opts.list.view,
  });
  const [searchParams] = useSearchParams<{ at?: string }>();
  // A memo, so later messages do not re-run the arrival.
  const loaded = createMemo(() => opts.room.log().loaded && myRooms.settled());
  createEffect(
    on(
      loaded,
      (ready) => ready && void arrival.arrive(searchParams.at === undefined ? undefined : Number(searchParams.at)),
    ),
  );
  createEffect(
    on([loaded, () => Number(searchParams.at)], ([ready, seq]) => {
      if (ready && Number.isInteger(seq) && seq >= 1) void arrival.jump(seq);
    }),
  );
  return arrival;
}

/** The user's sends: through the outbox (outbox.ts) — shown at once as "sending…", stored when the server can be reached — or, for a guest, directly. */
function createSending({
  room,
  self,
  writes,
  list,
}: {
  room: string;
  self: () => string | undefined;
  writes: RoomWrites;
  list: RoomList;
}) {
  /** Files typed offline wait in IndexedDB, to be uploaded by the outbox (held-files.ts). */
  const files = { store: createHeldFiles(), upload: (file: Blob, name: string) => sendUpload({ file, name }) };
  /** The signed-in user's unsent messages in this room (outbox.ts); none for a guest. */
  const outbox = createMemo<RoomOutbox | null>(() => {
    const user = self();
    const storage = browserStorage();
    if (!storage || !user) return null;
    return createRoomOutbox({ storage, user, room, send: writes.deliver, files });
  });
  /** Through the outbox: shown at once as "sending…", stored when the server can be reached. Rejects when it cannot be queued. */
  async function send(text: string, replyTo?: number, attached: readonly OutgoingFile[] = []): Promise<void> {
    const box = outbox();
    if (!box) {
      // No storage for an outbox: sent directly, so files must be uploaded already.
      const ids = attached.map((f) => ("attachment" in f ? f.attachment.id : null));
      if (ids.includes(null)) throw new FilesNotKeptError();
      await writes.send(text, replyTo, ids as string[]);
      return;
    }
    if (attached.length > 0) await box.sendWithFiles(text, replyTo, attached);
    else box.send(text, replyTo);
    list.follower.incoming(true);
  }

  return { outbox, send };
}

/** The composer and the actions on a message, wired to the log and the list. */
function createMessageTools(opts: {
  room: RoomLog;
  writes: RoomWrites;
  list: RoomList;
  send: (text: string, replyTo?: number, files?: readonly OutgoingFile[]) => Promise<void>;
  self: () => string | undefined;
  onDraft: (draft: string) => void;
}) {
  const { room, writes, list } = opts;
  const composer = createComposerState({
    send: (text, files) => opts.send(text, undefined, files),
    reply: (to, text, files) => opts.send(text, to, files),
    upload: ({ file, name, onProgress, signal }) =>
      sendUpload({ file, name, signal, onProgress: (loaded) => onProgress(loaded) }),
    edit: writes.edit,
    messages: room.messages,
    self: opts.self,
    onDraft: opts.onDraft,
    // Read while the room page is set up, under its <LocaleContext.Provider>.
    t: useContext(LocaleContext)?.t,
  });
  // A message being edited or answered that gets deleted meanwhile ends the edit or reply.
  createEffect(() => {
    const log = room.log();
    composer.logChanged((seq) => findMessage(log, seq));
  });
  let composerInput: HTMLTextAreaElement | undefined;
  /** Opening a room puts the cursor in the composer, once, when it appears (the user may become known later), unless a search result takes the focus (`?at=`). */
  const [searchParams] = useSearchParams<{ at?: string }>();
  let focusedOnOpen = searchParams.at !== undefined || coarsePointer();
  const actions = createRoomActions({
    room: {
      react: writes.react,
      remove: writes.remove,
      loadUntil: room.loadUntil,
      olderError: room.olderError,
      quoted: room.quoted,
    },
    composer,
    loadOlder: list.loadOlder,
    show: list.show,
    focus: list.focus,
    focusComposer: () => composerInput?.focus(),
    t: useContext(LocaleContext)?.t,
  });
  onCleanup(actions.dispose);
  function composerRef(el: HTMLTextAreaElement) {
    composerInput = el;
    if (focusedOnOpen) return;
    focusedOnOpen = true;
    queueMicrotask(() => el.isConnected && el.focus({ preventScroll: true }));
  }
  return { composer, actions, composerRef };
}

export type RoomView = ReturnType<typeof createRoomView>;
