/**
 * The composer's state: its draft, what it is doing (new message, reply,
 * edit: composer-mode.ts), and the error to show by it. The component renders
 * this and forwards keys; what Enter, ↑ and Esc do is decided here.
 */
import { createSignal } from "solid-js";
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { MessageText } from "../../../shared/schemas.ts";
import { errorMessage } from "./api.ts";
import { afterLogChange, type ComposerMode, lastEditable, leaveMode, newMessage, startEdit } from "./composer-mode.ts";
import type { Message } from "./message-log.ts";
import { FilesNotKeptError, OUTBOX_MAX_ENTRIES, OutboxFullError } from "./outbox.ts";
import { createUploads, type OutgoingFile, type UploadFn, type UploadItem } from "./uploads.ts";

export interface ComposerStateOptions {
  /** Sends a new message with its files (uploaded, or held for the outbox to upload). */
  send: (text: string, files: readonly OutgoingFile[]) => Promise<unknown>;
  reply: (to: number, text: string, files: readonly OutgoingFile[]) => Promise<unknown>;
  edit: (seq: number, text: string) => Promise<unknown>;
  /** The messages shown, oldest first, and who is signed in: for ↑ (edit your last message). */
  messages: () => readonly Message[];
  self: () => string | null | undefined;
  /** Called with the draft of a new message or a reply on each change (the room signals typing from it). */
  onDraft?: (text: string) => void;
  /** attachment.upload for one file (upload-transport.ts); without it, files cannot be attached. */
  upload?: UploadFn;
  /** The reader's language, for what the composer says itself (English by default). */
  t?: Translate;
}

export function createComposerState(opts: ComposerStateOptions) {
  const t = opts.t ?? english;
  /** Why a message was not sent or queued: the outbox's own refusals in the reader's language, else the error's words. */
  const refusal = (e: unknown) =>
    e instanceof FilesNotKeptError
      ? t("outbox.filesNotKept")
      : e instanceof OutboxFullError
        ? t("outbox.full", { count: OUTBOX_MAX_ENTRIES })
        : errorMessage(e, t);
  const [text, setText] = createSignal("");
  const [mode, setMode] = createSignal<ComposerMode>(newMessage);
  const [error, setError] = createSignal<string | null>(null);
  const [files, setFiles] = createSignal<readonly UploadItem[]>([]);
  /** Send was pressed while files were uploading: the message goes when they are done. */
  const [waiting, setWaiting] = createSignal(false);
  const uploads = createUploads({
    upload: opts.upload ?? (() => Promise.reject(new Error("Files cannot be sent here."))),
    onChange: setFiles,
    t,
  });

  /** A new message or reply with files: waits for their uploads, then sends; text may be empty. */
  async function sendWithFiles(): Promise<void> {
    if (uploads.uploading()) {
      setWaiting(true);
      await uploads.settled();
      setWaiting(false);
    }
    const outgoing = uploads.outgoing();
    if ("error" in outgoing) return void setError(outgoing.error);
    // Every file was taken off while waiting: an ordinary message (or nothing to send).
    if (outgoing.files.length === 0 && text().trim() === "") return;
    const parsed = text().trim() === "" ? { success: true as const, data: "" } : MessageText.safeParse(text());
    if (!parsed.success) return void setError(parsed.error.issues[0]?.message ?? t("composer.cannotSend"));
    const current = mode();
    try {
      if (current.kind === "reply") await opts.reply(current.to, parsed.data, outgoing.files);
      else await opts.send(parsed.data, outgoing.files);
    } catch (e) {
      // Not queued (the files cannot be kept offline, the outbox is full): everything stays, with the reason.
      setError(refusal(e));
      return;
    }
    uploads.clear();
    setText("");
    setError(null);
    if (mode() === current && current.kind === "reply") setMode(newMessage);
  }

  function end(next: { mode: ComposerMode; text: string } | null) {
    if (!next) return false;
    setMode(next.mode);
    setText(next.text);
    setError(null);
    return true;
  }

  return {
    text,
    mode,
    error,
    /** The files attached to the message being written, with their upload state. */
    files,
    waiting,
    /** Files dropped, pasted or picked: they start uploading at once. */
    attach(list: Iterable<File>) {
      if (mode().kind === "edit") return;
      setError(uploads.add(list));
    },
    /** Cancels a file's upload, or takes it off the message. */
    removeFile: (key: number) => uploads.remove(key),
    /** The person typed. */
    input(value: string) {
      setText(value);
      setError(null);
      // An edit is not a new message on its way: nobody is told "typing…".
      if (mode().kind !== "edit") opts.onDraft?.(value);
    },
    /** Reply to `message` with what is (or will be) typed; an edit in progress is given up first. */
    reply(message: Message) {
      if (mode().kind === "edit") end(leaveMode(mode(), text()));
      setMode({ kind: "reply", to: message.seq });
      setError(null);
    },
    /** Edit `message` (one's own) in the composer; the draft comes back when the edit ends. */
    edit(message: Message) {
      setMode(startEdit(mode(), message, text()));
      setText(message.text);
      setError(null);
    },
    /** ↑ in an empty composer: edit your newest message that is not deleted. True if it did. */
    editLast(): boolean {
      if (text() !== "" || mode().kind !== "new") return false;
      const last = lastEditable(opts.messages(), opts.self());
      if (!last) return false;
      setMode(startEdit(mode(), last, ""));
      setText(last.text);
      setError(null);
      return true;
    },
    /** Esc or Cancel: ends an edit (the draft from before comes back) or a reply. True if there was one. */
    cancel: () => end(leaveMode(mode(), text())),
    /** After the log changed: an edit or reply of a message deleted meanwhile ends, saying so. */
    logChanged(find: (seq: number) => Message | undefined) {
      const before = mode();
      const after = afterLogChange(before, find, t);
      if (after.mode === before) return;
      end(leaveMode(before, text()));
      setError(after.notice ?? null);
    },
    /** Enter or Send/Save. Resolves once the server answered (or the input was refused); with files, once they are uploaded first. */
    async submit(): Promise<void> {
      if (waiting()) return;
      if (mode().kind !== "edit" && files().length > 0) {
        await sendWithFiles();
        return;
      }
      const parsed = MessageText.safeParse(text());
      if (!parsed.success) {
        setError(parsed.error.issues[0]?.message ?? t("composer.cannotSend"));
        return;
      }
      const current = mode();
      if (current.kind === "edit") {
        // Saving what was there already: nothing to store.
        if (parsed.data === current.original) {
          end(leaveMode(current, text()));
          return;
        }
        try {
          await opts.edit(current.seq, parsed.data);
          // Still this edit (not cancelled meanwhile): it is done.
          if (mode() === current) end(leaveMode(current, text()));
        } catch (e) {
          setError(refusal(e));
        }
        return;
      }
      // Cleared at once so typing can go on; the text comes back if it was not stored.
      const draft = text();
      setText("");
      setError(null);
      try {
        if (current.kind === "reply") await opts.reply(current.to, parsed.data, []);
        else await opts.send(parsed.data, []);
        if (mode() === current) setMode(newMessage);
      } catch (e) {
        if (text() === "") setText(draft);
        setError(refusal(e));
      }
    },
  };
}

export type ComposerState = ReturnType<typeof createComposerState>;
