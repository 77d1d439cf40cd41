/**
 * The CLI's commands about messages: send, edit, delete, react, history, tail,
 * who, search, export. Each is a call or two on the typed client; the server's
 * refusals reach the user as worded (main.ts prints them and exits 1).
 */

import type { ParlorClient } from "@parlor/client";
import { errorText } from "../../shared/i18n/error-text.ts";
import type { Translate } from "../../shared/i18n/index.ts";
import { createReadMarker, type ReadMarker } from "../../shared/read-marker.ts";
import type { RoomPresence } from "../../shared/schemas.ts";
import { type Command, type CommandInput, seqArg, textFrom, wholeNumber } from "./command.ts";
import { uploadFiles } from "./file-commands.ts";
import { formatChange, formatMessage, type MessageFormat, printable, printableJson } from "./format.ts";
import { PROGRAM } from "./program.ts";
import { resolveRoom } from "./room-commands.ts";
import { exportRoom, formatHit } from "./room-export.ts";
import { required, UsageError } from "./usage.ts";

async function send({ client, args, opts, serverUrl, t }: CommandInput) {
  const room = await resolveRoom(client, required(args, 0, "cli.argRoom"));
  const text = await textFrom(args, 1);
  const replyTo = opts.reply === undefined ? undefined : wholeNumber("reply", opts.reply.replace(/^#/, ""));
  // Uploaded first, then attached by the send (the text may be empty when there are files).
  const attachments = opts.file?.length ? await uploadFiles(client, opts.file, t) : undefined;
  const message = await client.room.send.mutate({
    room,
    text,
    ...(replyTo === undefined ? {} : { replyTo }),
    ...(attachments ? { attachments } : {}),
  });
  console.log(formatMessage(message, onTerminal(serverUrl), t));
}

async function edit({ client, args, serverUrl, t }: CommandInput) {
  const room = required(args, 0, "cli.argRoom");
  const seq = seqArg(args, 1);
  console.log(
    formatMessage(
      await client.room.edit.mutate({ room, seq, text: await textFrom(args, 2) }),
      onTerminal(serverUrl),
      t,
    ),
  );
}

async function deleteMessage({ client, args, t }: CommandInput) {
  const room = required(args, 0, "cli.argRoom");
  const seq = seqArg(args, 1);
  await client.room.delete.mutate({ room, seq });
  console.log(t("cli.deletedMessage", { seq, room: printable(room) }));
}

async function react({ client, args, opts, serverUrl, t }: CommandInput) {
  const room = required(args, 0, "cli.argRoom");
  const seq = seqArg(args, 1);
  const emoji = required(args, 2, "cli.argEmoji");
  console.log(
    formatMessage(await client.room.react.mutate({ room, seq, emoji, add: !opts.remove }), onTerminal(serverUrl), t),
  );
}

async function history({ client, args, opts, serverUrl, t }: CommandInput) {
  const room = await resolveRoom(client, required(args, 0, "cli.argRoom"));
  const page = await client.room.history.query({
    room,
    before: wholeNumber("before", opts.before),
    limit: wholeNumber("limit", opts.limit),
  });
  if (opts.json) {
    console.log(printableJson(page));
    return;
  }
  if (page.messages.length === 0)
    console.error(
      opts.before
        ? t("cli.noMessagesBefore", { room: printable(room), seq: printable(opts.before) })
        : t("cli.noMessages", { room: printable(room) }),
    );
  for (const m of [...page.messages].reverse()) console.log(formatMessage(m, onTerminal(serverUrl), t));
  if (page.nextCursor !== null)
    console.error(t("cli.olderHistory", { room, cursor: page.nextCursor, program: PROGRAM }));
}

/** Prints the room live until Ctrl-C; resolves when the subscription ends. Each entry printed is told to `marker`. */
function follow(
  client: ParlorClient,
  room: string,
  lastEventId: string,
  marker: ReadMarker | null,
  format: MessageFormat,
  t: Translate,
) {
  return new Promise<void>((resolve, reject) => {
    const sub = client.room.messages.subscribe(
      { room, lastEventId },
      {
        onStarted: () => console.error(t("cli.live", { room })),
        onData: ({ data }) => {
          console.log(data.kind === "message" ? formatMessage(data.message, format, t) : formatChange(data, format, t));
          marker?.seen(data.seq);
        },
        onError: (error) => {
          sub.unsubscribe();
          reject(error);
        },
        onComplete: () => resolve(),
      },
    );
    process.once("SIGINT", () => {
      sub.unsubscribe();
      resolve();
    });
  });
}

/** Marks what `tail` printed in `room` as read; a refusal is said once on stderr, and tail goes on. */
function readMarkerFor(client: ParlorClient, room: string, t: Translate): ReadMarker {
  return createReadMarker({
    markRead: (seq) => client.room.markRead.mutate({ room, seq }),
    onError: (error) => {
      console.error(t("cli.notMarkingRead", { room: printable(room), reason: printable(errorText(error, t)) }));
      return "stop";
    },
  });
}

async function tail({ client, args, opts, signedIn, serverUrl, t }: CommandInput) {
  const format = onTerminal(serverUrl);
  const room = await resolveRoom(client, required(args, 0, "cli.argRoom"));
  const lines = Math.min(wholeNumber("lines", opts.lines) ?? 10, 100);
  // With --lines 0 the page still says where the room is now.
  const page = await client.room.history.query({ room, limit: Math.max(lines, 1) });
  const marker = signedIn ? readMarkerFor(client, room, t) : null;
  for (const m of page.messages.slice(0, lines).reverse()) {
    console.log(formatMessage(m, format, t));
    marker?.seen(m.seq);
  }
  // Resume right after the newest message seen, so nothing falls between history and live.
  await follow(client, room, String(page.messages[0]?.seq ?? 0), marker, format, t);
  // Stopped (not refused): what was printed last is marked before the process ends.
  await marker?.flush();
}

/** The room's presence as of now (asking counts this terminal in, as a guest or as you). */
function firstPresence(client: ParlorClient, room: string) {
  return new Promise<RoomPresence>((resolve, reject) => {
    const sub = client.room.presence.subscribe(
      { room },
      {
        onData: (snapshot) => {
          sub.unsubscribe();
          resolve(snapshot);
        },
        onError: reject,
      },
    );
  });
}

async function who({ client, args, t }: CommandInput) {
  const snapshot = await firstPresence(client, required(args, 0, "cli.argRoom"));
  const guests = snapshot.guests ? t("cli.guests", { count: snapshot.guests }) : "";
  console.log([...snapshot.users.map((u) => printable(u)), guests].filter(Boolean).join(", ") || t("cli.nobody"));
  if (snapshot.typing.length)
    console.log(t("cli.typing", { names: snapshot.typing.map((u) => printable(u)).join(", ") }));
}

async function search({ client, args, opts, t }: CommandInput) {
  const query = args.join(" ");
  if (!query) throw new UsageError((t) => t("cli.missing", { what: t("cli.argWords") }));
  const room = opts.room === undefined ? undefined : await resolveRoom(client, opts.room);
  const page = await client.room.search.query({
    query,
    room,
    before: wholeNumber("before", opts.before),
    limit: wholeNumber("limit", opts.limit),
  });
  if (opts.json) {
    console.log(printableJson(page));
    return;
  }
  // Bold on a terminal; piped, the lines stay plain text.
  const mark = process.stdout.isTTY ? (word: string) => `\x1b[1m${word}\x1b[22m` : (word: string) => word;
  if (page.results.length === 0) console.error(t("cli.nothingFound"));
  for (const hit of page.results) console.log(formatHit(hit, mark, t));
  if (page.nextCursor !== null) console.error(t("cli.olderResults", { cursor: page.nextCursor }));
}

async function exportMessages({ client, args, t }: CommandInput) {
  const count = await exportRoom(client, required(args, 0, "cli.argRoom"), (line) => console.log(line));
  console.error(t("cli.exported", { count }));
}

/** Styles (bold, italic, strikethrough) when stdout is a terminal, piped the words alone; files' URLs on `serverUrl`. */
const onTerminal = (serverUrl: string): MessageFormat => ({ style: process.stdout.isTTY === true, serverUrl });

export const messageCommands = {
  send,
  edit,
  delete: deleteMessage,
  react,
  history,
  tail,
  who,
  search,
  export: exportMessages,
} satisfies Record<string, Command>;
