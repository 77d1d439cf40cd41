/**
 * What the actions on a message do on the room page: react, delete, start a
 * reply or an edit in the composer, jump to the message a quote answers; and
 * where a failure is said (in the message it concerns). The page supplies the
 * DOM side (finding, showing and focusing a message's element).
 */

import { createSignal } from "solid-js";
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { errorMessage } from "./api.ts";
import type { ComposerState } from "./composer-state.ts";
import type { Message } from "./message-log.ts";
import { quoteLine, quoteOf } from "./reply-quote.ts";

/** The part of the room log (room-log.ts) and the writes (room-writes.ts) these actions use. */
export interface ActionsRoom {
  react(seq: number, emoji: string, add: boolean): Promise<unknown>;
  remove(seq: number): Promise<void>;
  loadUntil(seq: number, loadPage?: () => Promise<void>): Promise<boolean>;
  olderError(): unknown;
  quoted(seq: number): Message | null | undefined;
}

export interface RoomActionsOptions {
  room: ActionsRoom;
  composer: ComposerState;
  /** The page's way to load an older page (keeping the scroll position). */
  loadOlder: () => Promise<void>;
  /** Brings message `seq` into view and focuses it; false if it is not on the page. */
  show: (seq: number) => boolean;
  /** Focuses message `seq` (after its actions went away) without scrolling. */
  focus: (seq: number) => void;
  focusComposer: () => void;
  /** How long a message stays highlighted after a jump to it. */
  highlightMs?: number;
  /** The reader's language (English when absent). */
  t?: Translate;
}

export function createRoomActions(opts: RoomActionsOptions) {
  const { room, composer } = opts;
  const [error, setError] = createSignal<{ seq: number; text: string } | null>(null);
  const failed = (seq: number) => (e: unknown) => {
    setError({ seq, text: errorMessage(e, opts.t ?? english) });
  };
  const [highlighted, setHighlighted] = createSignal<number | null>(null);
  let highlightTimer: ReturnType<typeof setTimeout> | undefined;

  return {
    /** Why the last action on message `seq` failed; "" if none did. */
    errorFor: (seq: number) => (error()?.seq === seq ? error()!.text : ""),
    /** The message highlighted after a jump from a quote, for a moment. */
    highlighted,
    /** The seq of the message being edited in the composer, if any. */
    editing(): number | null {
      const mode = composer.mode();
      return mode.kind === "edit" ? mode.seq : null;
    },
    /** The composer's "Replying to …" words. */
    replyingTo(): string {
      const mode = composer.mode();
      return mode.kind === "reply" ? quoteLine(quoteOf(room.quoted(mode.to))) : "";
    },
    react(message: Message, emoji: string, add: boolean): Promise<void> {
      setError(null);
      return room.react(message.seq, emoji, add).then(() => {}, failed(message.seq));
    },
    remove(message: Message): Promise<void> {
      setError(null);
      const mode = composer.mode();
      // Deleting the message being edited: the edit has nothing left to save.
      if (mode.kind === "edit" && mode.seq === message.seq) composer.cancel();
      return room.remove(message.seq).then(() => opts.focus(message.seq), failed(message.seq));
    },
    reply(message: Message) {
      composer.reply(message);
      opts.focusComposer();
    },
    edit(message: Message) {
      composer.edit(message);
      opts.focusComposer();
    },
    /** A click on the quote in message `from`: loads older pages until message `seq` is there, then shows it. */
    async showQuoted(from: number, seq: number): Promise<void> {
      setError(null);
      const found = await room.loadUntil(seq, opts.loadOlder);
      if (!found || !opts.show(seq)) {
        const older = room.olderError();
        setError({
          seq: from,
          text: older
            ? (opts.t ?? english)("composer.olderFailed", { error: errorMessage(older, opts.t ?? english) })
            : (opts.t ?? english)("composer.quotedGone"),
        });
        return;
      }
      setHighlighted(seq);
      clearTimeout(highlightTimer);
      highlightTimer = setTimeout(() => setHighlighted(null), opts.highlightMs ?? 2000);
    },
    dispose: () => clearTimeout(highlightTimer),
  };
}
