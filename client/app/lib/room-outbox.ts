/**
 * The outbox of the room page (outbox.ts) as Solid state: its entries as a
 * signal, flushed when the connection comes back (the room's stream or
 * presence subscription starts again, or the browser says it is online), and
 * redrawn when another tab of the same user changes it.
 */
import { createSignal, onCleanup } from "solid-js";
import { createOutbox, type KeyValueStorage, type OutboxEntry, type OutboxOptions, type OutboxSend } from "./outbox.ts";
import type { OutgoingFile } from "./uploads.ts";

export interface RoomOutboxOptions<M> {
  storage: KeyValueStorage;
  user: string;
  room: string;
  /** room.send with the entry's clientId (and replyTo, attachments). */
  send: (entry: OutboxSend) => Promise<M>;
  /** Where files typed offline wait, and their upload. */
  files?: OutboxOptions<M>["files"];
  onSent?: (message: M) => void;
}

export function createRoomOutbox<M>({ storage, user, room, send, files, onSent }: RoomOutboxOptions<M>) {
  const [entries, setEntries] = createSignal<readonly OutboxEntry[]>([]);
  const outbox = createOutbox<M>({
    storage,
    user,
    room,
    send,
    files,
    onSent: (message) => onSent?.(message),
    onChange: setEntries,
    online: () => navigator.onLine,
  });
  setEntries(outbox.entries());

  const flush = () => void outbox.flush();
  const onStorage = (event: StorageEvent) => {
    if (event.storageArea === storage) outbox.reload();
  };
  window.addEventListener("online", flush);
  window.addEventListener("storage", onStorage);
  onCleanup(() => {
    window.removeEventListener("online", flush);
    window.removeEventListener("storage", onStorage);
    outbox.dispose();
  });
  // What waited from before a reload goes out now if the server can be reached.
  flush();

  return {
    entries,
    /** Queues a message; it shows as "sending…" at once. Throws OutboxFullError when too many wait. */
    send: (text: string, replyTo?: number) => void outbox.add(text, replyTo),
    /** Queues a message with files; rejects (FilesNotKeptError, OutboxFullError) when it cannot be queued. */
    sendWithFiles: (text: string, replyTo: number | undefined, files: readonly OutgoingFile[]) =>
      outbox.addWithFiles(text, replyTo, files),
    retry: (clientId: string) => void outbox.retry(clientId),
    discard: outbox.discard,
    /** The connection is back: send what waits. */
    flush,
  };
}

export type RoomOutbox = ReturnType<typeof createRoomOutbox>;
