/**
 * The vocabulary shared by server, browser and scripts: zod schemas and the
 * types inferred from them. Pure and isomorphic: no I/O, no server imports.
 */
import { z } from "zod";

/** C0/C1 control characters other than tab and newline: invisible, and a classic way to spoof text. */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** Length in code points, so an emoji counts as one character, as a person counts it. */
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** The message for a missing value or one of the wrong type, e.g. "A room name is required." / "… must be text." */
const stringError = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? `${what} is required.` : `${what} must be text.`),
});

export const ROOM_NAME_MAX = 64;
export const MESSAGE_TEXT_MAX = 4000;
export const HISTORY_LIMIT_MAX = 100;
export const HISTORY_LIMIT_DEFAULT = 50;

/** Direct messages live in their own namespace, `dm:<user id>:<user id>` (lower id first), that no other room can take. */
export const DM_ROOM = /^dm:([1-9][0-9]{0,15}):([1-9][0-9]{0,15})$/;
export const isDmRoom = (room: string) => DM_ROOM.test(room);
/** The direct-message room of two users, the same from either side. */
export const dmRoomOf = (a: number, b: number) => `dm:${Math.min(a, b)}:${Math.max(a, b)}`;

/**
 * A room name as typed, in its one canonical form: a leading `#` dropped (people
 * type "#general") and ASCII letters lower-cased, so "General", "#general" and
 * "general" are one room. Only A–Z fold: `toLowerCase()` would turn look-alikes
 * such as the Kelvin sign (U+212A) into an ASCII "k" and let them through.
 * `canonicalRoomName("#Plans")` → `"plans"`.
 */
export const canonicalRoomName = (typed: string): string =>
  (typed.startsWith("#") ? typed.slice(1) : typed).replace(/[A-Z]+/g, (s) => s.toLowerCase());

/** A room name: any case and a leading `#` are accepted; what comes out is canonical (lower case, no `#`). */
export const RoomName = z
  .string(stringError("A room name"))
  .transform(canonicalRoomName)
  .pipe(
    z
      .string()
      .min(1, "A room name cannot be empty.")
      .max(ROOM_NAME_MAX, `A room name has at most ${ROOM_NAME_MAX} characters.`)
      .refine(
        (s) => /^[a-z0-9._-]*$/.test(s) || DM_ROOM.test(s),
        "A room name may contain only letters, digits, '-', '_' and '.'.",
      )
      .refine((s) => !s.includes(".."), "A room name cannot contain '..'.")
      .refine((s) => s !== ".", "A room name cannot be '.' alone."),
  );
export type RoomName = z.infer<typeof RoomName>;

/** A message's text, trimmed, within bounds; `empty`: whether "" is allowed (a send with attachments). */
const messageBody = (empty: boolean) =>
  z
    .string(stringError("A message"))
    .trim()
    .min(empty ? 0 : 1, "A message cannot be empty.")
    .refine((s) => codePoints(s) <= MESSAGE_TEXT_MAX, `A message has at most ${MESSAGE_TEXT_MAX} characters.`)
    .refine((s) => !CONTROL_CHARS.test(s), "A message cannot contain control characters.");

export const MessageText = messageBody(false);
export type MessageText = z.infer<typeof MessageText>;

export const Username = z
  .string(stringError("A username"))
  .min(3, "A username has at least 3 characters.")
  .max(32, "A username has at most 32 characters.")
  .regex(/^[A-Za-z0-9_-]*$/, "A username may contain only letters, digits, '_' and '-'.");
export type Username = z.infer<typeof Username>;

export const Password = z
  .string(stringError("A password"))
  .min(8, "A password has at least 8 characters.")
  .max(256, "A password has at most 256 characters.");

/** A room's position: entries (messages, edits, deletes, reactions) are numbered 1, 2, 3, … per room. */
export const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The seq of a message in the room, as an input: 1 or more. */
const MessageSeq = (what: string) => Seq.min(1, `'${what}' is the seq of a message, 1 or more.`);

export const MAX_REACTIONS_PER_MESSAGE = 20;

/** One emoji on a message and who put it there, in the order they reacted. */
export const Reaction = z.object({ emoji: z.string(), users: z.array(z.string()) });
export type Reaction = z.infer<typeof Reaction>;

/** At most this many files on one message. */
export const MAX_ATTACHMENTS = 10;

/** An upload's id: long and random, as `attachment.upload` returns it. */
export const AttachmentId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,64}$/, "An attachment id is 16 to 64 letters, digits, '_' or '-'.");

/** A file on a message (or uploaded, waiting to be attached). */
export const Attachment = z.object({
  id: AttachmentId,
  /** The file's name as uploaded (no path). */
  name: z.string(),
  /** The type sniffed from the bytes (never the client's claim); application/octet-stream when unknown. */
  type: z.string(),
  /** Bytes as stored (image metadata removed). */
  size: z.number().int().min(0),
  /** Pixels, for images; null otherwise. */
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Path of the file on this server: `/files/<id>/<name>`. */
  url: z.string(),
  /** `/files/<id>/thumbnail` for images; null otherwise. */
  thumbnailUrl: z.string().nullable(),
});
export type Attachment = z.infer<typeof Attachment>;

/** A message in its current state: edits applied, a delete leaves a tombstone, reactions aggregated. */
export const Message = z.object({
  id: z.number().int(),
  room: RoomName,
  seq: Seq,
  sender: z.string(),
  /** "" once deleted. */
  text: z.string(),
  /** ISO-8601, UTC. */
  timestamp: z.string(),
  /** ISO-8601 UTC of the latest edit; null if never edited. */
  editedAt: z.string().nullable(),
  /** A deleted message keeps its place (and its seq) with empty text. */
  deleted: z.boolean(),
  /** The seq of the message this one answers. */
  replyTo: Seq.nullable(),
  /** In the order each emoji was first added. */
  reactions: z.array(Reaction),
  /** Files, in the order given when sent; empty once deleted. */
  attachments: z.array(Attachment),
});
export type Message = z.infer<typeof Message>;

export const Visibility = z.enum(["public", "private"], { error: '\'visibility\' is "public" or "private".' });
export type Visibility = z.infer<typeof Visibility>;
export const RoomRole = z.enum(["owner", "moderator", "member"]);
export type RoomRole = z.infer<typeof RoomRole>;
export const MemberChange = z.enum(["joined", "left", "invited", "kicked", "banned", "unbanned", "role"]);
export type MemberChange = z.infer<typeof MemberChange>;

/**
 * One entry of a room's log. Every change is an entry with the room's next seq,
 * so a client that resumes after `lastEventId` replays edits, deletes and
 * reactions of old messages as well as new messages, in commit order.
 */
export const RoomEntry = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("message"), seq: Seq, message: Message }),
  z.object({ kind: z.literal("edit"), seq: Seq, target: Seq, text: z.string(), editedAt: z.string(), by: z.string() }),
  z.object({ kind: z.literal("delete"), seq: Seq, target: Seq, deletedAt: z.string(), by: z.string() }),
  z.object({
    kind: z.literal("reaction"),
    seq: Seq,
    target: Seq,
    emoji: z.string(),
    user: z.string(),
    added: z.boolean(),
  }),
  z.object({
    kind: z.literal("member"),
    seq: Seq,
    /** Whose membership changed. */
    user: z.string(),
    change: MemberChange,
    /** The new role, for `change: "role"` (and `invited`/`joined`: the role they got). */
    role: z.enum(["moderator", "member"]).optional(),
    /** Who made the change (the user themselves for joined and left). */
    by: z.string(),
    /** ISO-8601 UTC of the change: the timeline puts the notice under its own day's divider. */
    at: z.string(),
  }),
]);
export type RoomEntry = z.infer<typeof RoomEntry>;
export type RoomEntryKind = RoomEntry["kind"];

export const User = z.object({ id: z.number().int(), username: Username });
export type User = z.infer<typeof User>;

export const DISPLAY_NAME_MAX = 64;
/** Bidi controls: they reorder what follows them, so a name could make the text after it read otherwise. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** How a person wants to be called: 1–64 characters after trimming, one line, no control or bidi characters. */
export const DisplayName = z
  .string(stringError("A display name"))
  .trim()
  .min(1, "A display name cannot be empty (send null to clear it).")
  .refine((s) => codePoints(s) <= DISPLAY_NAME_MAX, `A display name has at most ${DISPLAY_NAME_MAX} characters.`)
  .refine(
    (s) => !CONTROL_CHARS.test(s) && !s.includes("\n") && !BIDI_CONTROLS.test(s),
    "A display name is one line of text, without control characters.",
  );

/** A person as others see them. The username stays their identity (mentions, the API); the rest is how to show them. */
export const Profile = z.object({
  username: z.string(),
  /** Null: none set (show the username). */
  displayName: z.string().nullable(),
  /** Their picture's path (`/files/<id>/thumbnail`, readable by anyone); null: none (show initials). */
  avatarUrl: z.string().nullable(),
});
export type Profile = z.infer<typeof Profile>;

/** A person's profile changed: published on their own group (`user:<id>`), heard by `user.profileChanges`. */
export const ProfileEvent = z.object({ type: z.literal("profile"), userId: z.number().int(), profile: Profile });
export type ProfileEvent = z.infer<typeof ProfileEvent>;

export const Credentials = z.object({ username: Username, password: Password });
export type Credentials = z.infer<typeof Credentials>;

export const HistoryInput = z.object({
  room: RoomName,
  /** Only messages with a seq below this one: the `nextCursor` of the previous page. */
  before: Seq.min(1, "'before' is a message seq, 1 or more.").optional(),
  limit: z
    .number()
    .int("'limit' is a whole number.")
    .min(1, "'limit' is at least 1.")
    .max(HISTORY_LIMIT_MAX, `'limit' is at most ${HISTORY_LIMIT_MAX}.`)
    .default(HISTORY_LIMIT_DEFAULT),
});
export type HistoryInput = z.input<typeof HistoryInput>;

export const HistoryPage = z.object({
  messages: z.array(Message),
  /** Pass as `before` to get the next (older) page; null at the beginning of the room. */
  nextCursor: Seq.nullable(),
});
export type HistoryPage = z.infer<typeof HistoryPage>;

/** A client's own id for one send (a UUID fits): retrying with it stores the message once. */
export const ClientId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, "'clientId' is 8 to 64 letters, digits, '_' or '-' (a UUID fits).");

export const SendInput = z
  .object({
    room: RoomName,
    /** May be empty ("") when the message carries at least one attachment. */
    text: messageBody(true),
    clientId: ClientId.optional(),
    /** The seq of the message this one answers: a message of the same room, not deleted. */
    replyTo: MessageSeq("replyTo").optional(),
    /** Ids from `attachment.upload`, yours, not yet attached, in the order to show them. */
    attachments: z
      .array(AttachmentId)
      .max(MAX_ATTACHMENTS, `A message has at most ${MAX_ATTACHMENTS} attachments.`)
      .optional(),
  })
  .refine((input) => input.text !== "" || (input.attachments?.length ?? 0) > 0, {
    message: "A message cannot be empty.",
    path: ["text"],
  });
export type SendInput = z.input<typeof SendInput>;

export const EditInput = z.object({ room: RoomName, seq: MessageSeq("seq"), text: MessageText });
export type EditInput = z.input<typeof EditInput>;

export const DeleteInput = z.object({ room: RoomName, seq: MessageSeq("seq") });
export type DeleteInput = z.input<typeof DeleteInput>;

/** Exactly one emoji: a single RGI emoji, skin tones, flags, keycaps and ZWJ sequences included. */
export const Emoji = z
  .string(stringError("An emoji"))
  .max(64, "An emoji is one emoji.")
  .regex(/^\p{RGI_Emoji}$/v, "An emoji is one emoji (like 👍 or 👩🏽‍💻), nothing else.");

export const ReactInput = z.object({
  room: RoomName,
  seq: MessageSeq("seq"),
  emoji: Emoji,
  add: z.boolean({ error: "'add' is true or false." }),
});
export type ReactInput = z.input<typeof ReactInput>;

/** tRPC hands the last `tracked` id back as a string on reconnect: it must be a seq. */
export const LastEventId = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, "'lastEventId' is the seq of an entry of this room.")
  .transform(Number);

export const MessagesInput = z.object({
  room: RoomName,
  lastEventId: LastEventId.nullish(),
});
export type MessagesInput = z.input<typeof MessagesInput>;

export const ActiveRoomsInput = z
  .object({ limit: z.number().int().min(1, "'limit' is at least 1.").max(50, "'limit' is at most 50.").default(20) })
  .default({ limit: 20 });

export const RoomSummary = z.object({
  name: RoomName,
  /** People in the room now (signed-in users once each, plus guests). */
  present: z.number().int().min(0),
  /** The seq of its newest log entry (message, edit, delete or reaction). */
  lastSeq: Seq,
  /** How many messages it holds (deleted ones included: they keep their place). */
  messages: z.number().int().min(0),
  /** ISO-8601 UTC of its newest message. */
  lastMessageAt: z.string(),
});
export type RoomSummary = z.infer<typeof RoomSummary>;

/** One heartbeat's bounds: a process with more rooms or people splits its state over several parts. */
export const PRESENCE_HEARTBEAT_MAX_ROOMS = 256;
export const PRESENCE_HEARTBEAT_MAX_NAMES = 1000;

/** Who one process has in each room: its part of the presence picture, sent as a heartbeat. */
export const ProcessPresence = z.object({
  type: z.literal("presence"),
  /** The sending process (or one part of its state); its entries expire `ttlMs` after its last heartbeat. */
  process: z.string().min(1).max(100),
  rooms: z
    .record(
      RoomName,
      z.object({
        users: z.array(z.string().min(1).max(64)).max(PRESENCE_HEARTBEAT_MAX_NAMES),
        guests: z.number().int().min(0).max(1_000_000),
      }),
    )
    .refine(
      (rooms) => Object.keys(rooms).length <= PRESENCE_HEARTBEAT_MAX_ROOMS,
      `A heartbeat names at most ${PRESENCE_HEARTBEAT_MAX_ROOMS} rooms.`,
    )
    .refine(
      (rooms) => Object.values(rooms).reduce((n, r) => n + r.users.length, 0) <= PRESENCE_HEARTBEAT_MAX_NAMES,
      `A heartbeat names at most ${PRESENCE_HEARTBEAT_MAX_NAMES} people.`,
    ),
  ttlMs: z.number().int().positive().max(3_600_000),
});

/** A signed-in user started (or stopped) typing in a room. Ephemeral: never stored. */
export const TypingEvent = z.object({
  type: z.literal("typing"),
  room: RoomName,
  username: z.string(),
  active: z.boolean(),
  ttlMs: z.number().int().positive(),
});

/** A room log entry, published after it is stored. */
export const EntryEvent = z.object({ type: z.literal("entry"), room: RoomName, entry: RoomEntry });
export type EntryEvent = z.infer<typeof EntryEvent>;

/** Who is in a room now, as `room.presence` streams it. */
export const RoomPresence = z.object({
  room: RoomName,
  /** Signed-in users present, each once however many tabs or processes, sorted. */
  users: z.array(z.string()),
  /** Connections without a session. */
  guests: z.number().int().min(0),
  /** Users typing now, sorted. */
  typing: z.array(z.string()),
});
export type RoomPresence = z.infer<typeof RoomPresence>;

export const RoomInput = z.object({ room: RoomName });

export const TOPIC_MAX = 200;
export const Topic = z
  .string(stringError("A topic"))
  .trim()
  .refine((s) => codePoints(s) <= TOPIC_MAX, `A topic has at most ${TOPIC_MAX} characters.`)
  .refine((s) => !CONTROL_CHARS.test(s) && !s.includes("\n"), "A topic is one line of text.");

/** A name a user may create: any room name outside the direct-message namespace. */
const CreatableRoomName = RoomName.refine(
  (s) => !isDmRoom(s),
  "Names of the form 'dm:…' are kept for direct messages.",
);

export const CreateRoomInput = z.object({ room: CreatableRoomName, visibility: Visibility, topic: Topic.optional() });
export type CreateRoomInput = z.input<typeof CreateRoomInput>;

/** A room and one of its (would-be) members. */
export const RoomUserInput = z.object({ room: RoomName, username: Username });
export const SetRoleInput = z.object({
  room: RoomName,
  username: Username,
  role: z.enum(["moderator", "member"], { error: '\'role\' is "moderator" or "member".' }),
});
export const SetTopicInput = z.object({ room: RoomName, topic: Topic });
export const DmOpenInput = z.object({ username: Username });

export const RoomInfo = z.object({
  room: RoomName,
  visibility: Visibility,
  topic: z.string().nullable(),
  /** The owner's username. */
  owner: z.string(),
  /** The caller's role here; null when not a member (or a guest). */
  role: RoomRole.nullable(),
  /** How many members it has. */
  members: z.number().int().min(0),
  /** A direct-message room: its two people, and nobody else can be invited. */
  direct: z.boolean(),
});
export type RoomInfo = z.infer<typeof RoomInfo>;

export const RoomMember = z.object({
  username: z.string(),
  role: RoomRole,
  /** Null: none set. */ displayName: z.string().nullable(),
});
export type RoomMember = z.infer<typeof RoomMember>;

/** One ban of a room, as its owner and moderators see it (`room.bans`): who, by whom, since when (ISO-8601 UTC). */
export const RoomBan = z.object({ username: z.string(), by: z.string(), at: z.string() });
export type RoomBan = z.infer<typeof RoomBan>;

/**
 * What travels on the control group, to every process: a user lost access to a
 * room (their open streams of it end), or sessions ended (their sockets close).
 */
export const ControlEvent = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("revoke"),
    room: RoomName,
    userId: z.number().int(),
    reason: z.enum(["kicked", "banned", "left"]),
  }),
  /** Fewer may read the room now (a name became a private room): only `readers` keep their streams of it; guests never do. */
  z.object({ type: z.literal("narrowed"), room: RoomName, readers: z.array(z.number().int()).max(1000) }),
  z.object({
    type: z.literal("sessions-ended"),
    /** SHA-256 (hex) of each ended session's token: the tokens themselves never travel. */
    sessions: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(1000),
  }),
]);
export type ControlEvent = z.infer<typeof ControlEvent>;
export const CONTROL_GROUP = "control";

export const MarkReadInput = z.object({ room: RoomName, seq: Seq });

/** One of the caller's rooms as `me.rooms` shows it: where it is, and what they have not read. */
export const RoomUnread = z.object({
  room: RoomName,
  visibility: Visibility,
  /** A direct-message room. */
  direct: z.boolean(),
  /** The seq of its newest entry. */
  lastSeq: Seq,
  /** How far the caller has read (0: nothing). */
  lastReadSeq: Seq,
  /** Messages after the marker, sent by others, not deleted. */
  unread: z.number().int().min(0),
  /** Those of them that mention the caller (`@username`). */
  mentions: z.number().int().min(0),
  /** ISO-8601 UTC of its newest message. */
  lastMessageAt: z.string(),
});
export type RoomUnread = z.infer<typeof RoomUnread>;

/** `me.rooms`: a snapshot of the caller's rooms, then one event per change. */
export type MeRoomsEvent =
  | { type: "snapshot"; rooms: RoomUnread[] }
  /** `invitedBy`: on the first update of a room someone just added you to (their username), e.g. "ann added you to #plans". */
  | { type: "update"; room: RoomUnread; invitedBy?: string }
  | { type: "removed"; room: string };

/** The group (channel) name of a room in the group layer. */
export const roomGroup = (room: RoomName) => `room:${room}`;

/** What concerns one person across rooms, on their own group (`user:<id>`): a read marker moved, their rooms changed. */
export const UserEvent = z.object({
  type: z.literal("user"),
  userId: z.number().int(),
  change: z.enum(["marker", "rooms"]),
  room: RoomName.optional(),
  /** With `change: "rooms"` and `room`: who added the user to it (an invitation). */
  invitedBy: Username.optional(),
});
export type UserEvent = z.infer<typeof UserEvent>;
export const userGroup = (userId: number) => `user:${userId}`;

/** What travels through the group layer: room log entries, and presence/typing signals. */
export const RoomEvent = z.discriminatedUnion("type", [
  EntryEvent,
  UserEvent,
  ProfileEvent,
  ...ControlEvent.options,
  ProcessPresence,
  TypingEvent,
]);
export type RoomEvent = z.infer<typeof RoomEvent>;
