/**
 * The CLI in English (en.ts's `cli` namespace): its help, usage errors and every
 * line it prints. Hints that name the command take it as `{{ program }}`.
 */
import { plural, template } from "./plural.ts";

type Room = { room: string };
type User = { user: string };
type Count = { count: number };
/** How the CLI is run, as its hints spell it: `bun run chat --` here, `parlor` installed (client/cli/program.ts). */
type Program = { program: string };

export const enCli = {
  help: template<{ credentials: string } & Program>(`Parlor chat from the command line.

Usage: {{ program }} <command> [arguments] [options]

Commands:
  register <username>               create an account and sign in
  login <username>                  sign in (the password comes from PARLOR_PASSWORD, a prompt or stdin)
  logout [--all | --session <id>]   end the session (--all: every session of yours, on every device;
                                    --session: the one "sessions" lists with that id)
  whoami                            who this terminal is signed in as
  passwd                            change your password (current, then new: PARLOR_PASSWORD and
                                    PARLOR_NEW_PASSWORD, prompts, or two lines of stdin); your
                                    other sessions are signed out, this one stays
  profile [<username>] [--name <text>] [--avatar <path>|none]
                                    how people see you (or them): display name and picture; --name sets
                                    yours ("" clears it), --avatar uploads an image and wears it (its
                                    thumbnail is then public; "none" takes it off)
  sessions                          your sessions: browser and system, network, when each began, was
                                    last active and expires, this one marked
  send <room> <text…> [--reply <seq>] [--file <path>]…
                                    send a message ("-" reads the text from stdin); --reply answers message <seq>;
                                    each --file is uploaded and attached, in order (the text may then be empty)
  edit <room> <seq> <text…>         change the text of your message <seq> ("-" reads it from stdin)
  delete <room> <seq>               delete message <seq>: yours, or anyone's in a room you moderate
                                    (it stays as "(deleted)")
  react <room> <seq> <emoji> [--remove]
                                    add your emoji to message <seq>, or take it back
  history <room> [--before <seq>] [--limit <n>] [--json]
                                    a page of messages, oldest at the top; files below their message
                                    as name, size and URL
  download <id or URL> [-o <path>] [--force]
                                    save a file of a message (signed in, or as a guest for public rooms)
                                    under its own name here, or at <path> (a directory: inside it; "-":
                                    stdout); an existing file is kept unless --force, and a link at the
                                    target is never followed
  tail <room> [--lines <n>]         the last n messages (default 10), then the room live (new messages,
                                    edits, deletes, reactions); Ctrl-C stops; when signed in, what it
                                    printed is marked read
  who <room>                        who is in the room now, and who is typing
  rooms                             your rooms (🔒: members only) with unread messages and mentions,
                                    then the most recently active public rooms

Rooms (in send, history, tail, info and members, <room> may be @username: your conversation with them):
  create <room> [--private] [--topic <text>]
                                    a new room, you its owner; a private one only its members see
  info <room>                       visibility, topic, owner, member count, your role
  members <room>                    who is a member, with their roles
  invite <room> <username>          add someone to a private room (owner, moderators)
  kick <room> <username>            remove a member (owner, moderators)
  ban <room> <username>             remove and keep out (owner, moderators)
  unban <room> <username>           let a banned user back (owner, moderators)
  role <room> <username> moderator|member
                                    make a member a moderator, or back (owner)
  topic <room> [<text…>]            set the topic, or clear it with no text (owner, moderators)
  leave <room>                      leave a room (the owner cannot)
  dm <username>                     your direct conversation with someone: its room, how to send to it
  search <words…> [--room <room>] [--before <id>] [--limit <n>] [--json]
                                    messages with all these words, newest first, in rooms you can read
  export <room>                     every message of the room as JSON lines, newest first

Options:
  --url <url>    the server (default: PARLOR_URL, else http://localhost:3000)
  -h, --help     this text

The session token is saved in {{ credentials }} (PARLOR_TOKEN overrides it).
The CLI speaks the language of LC_ALL, LC_MESSAGES or LANG (es_*: Spanish; else English).`),
  unknownCommand: template<{ name: string }>("Unknown command '{{ name }}'."),
  unknownOption: template<{ option: string }>("Unknown option '{{ option }}'."),
  optionValue: template<{ option: string }>("The option '{{ option }}' needs a value."),
  badArguments: "These arguments cannot be read.",
  cannotReach: template<{ url: string; reason: string }>("Cannot reach Parlor at {{ url }}: {{ reason }}"),
  signInFirst: template<Program>(" (sign in first: {{ program }} login <username>)"),
  unsafeCredentials: template<{ path: string }>(
    "{{ path }} is a symbolic link: refusing to keep a session token through it. Remove it and sign in again.",
  ),
  plainHttp: template<{ what: string; host: string }>(
    "Warning: sending {{ what }} over plain HTTP to {{ host }}: anyone on the network between can read it and act as you. Use https://.",
  ),
  yourToken: "your session token",
  yourPassword: "your password",
  missing: template<{ what: string }>("Missing {{ what }}."),
  argRoom: "the room",
  argRoomName: "the room's name",
  argUsername: "the username",
  argSeq: "the message's seq (the #number history shows)",
  argEmoji: "the emoji",
  argRole: "the role (moderator or member)",
  argWords: "the words to search for",
  wholeNumber: template<{ name: string; value: string }>("--{{ name }} takes a whole number, not '{{ value }}'."),
  seqFormat: template<{ value: string }>(
    "A message's seq is a whole number (the #number history shows), not '{{ value }}'.",
  ),
  promptPassword: "Password: ",
  promptCurrentPassword: "Current password: ",
  promptNewPassword: "New password: ",
  promptNewPasswordAgain: "New password again: ",
  registered: template<User & { url: string }>("Registered and signed in as {{ user }} on {{ url }}."),
  signedIn: template<User & { url: string }>("Signed in as {{ user }} on {{ url }}."),
  sessionEnded: template<{ id: string }>("Session {{ id }} ended."),
  sessionEndedThis: template<{ id: string }>("Session {{ id }} ended (it was this one: signed out)."),
  signedOutEverywhere: plural<Count>("en", {
    one: "Signed out everywhere ({{ count }} session).",
    other: "Signed out everywhere ({{ count }} sessions).",
  }),
  signedOut: "Signed out.",
  passwordChanged: plural<Count>("en", {
    one: "Password changed. {{ count }} other session signed out; this one stays signed in.",
    other: "Password changed. {{ count }} other sessions signed out; this one stays signed in.",
  }),
  sessionSince: template<{ when: string }>("since {{ when }}"),
  sessionSinceUnknown: "since (unknown)",
  sessionClient: template<{ browser: string; system: string }>("{{ browser }} on {{ system }}"),
  sessionUnknownClient: "unknown client",
  sessionFrom: template<{ address: string }>("from {{ address }}"),
  sessionActive: template<{ when: string }>("active {{ when }}"),
  sessionActiveUnknown: "active (unknown)",
  sessionExpires: template<{ when: string }>("expires {{ when }}"),
  unknown: "(unknown)",
  thisOne: "(this one)",
  notSignedIn: "Not signed in.",
  deletedMessage: template<Room & { seq: number }>("Deleted #{{ seq }} in {{ room }}."),
  noMessages: template<Room>("No messages in {{ room }}."),
  noMessagesBefore: template<Room & { seq: string }>("No messages in {{ room }} before #{{ seq }}."),
  olderHistory: template<Room & { cursor: number } & Program>(
    "-- older: {{ program }} history {{ room }} --before {{ cursor }} --",
  ),
  live: template<Room>("-- live in {{ room }} (Ctrl-C to stop) --"),
  notMarkingRead: template<Room & { reason: string }>("-- not marking {{ room }} as read: {{ reason }} --"),
  guests: plural<Count>("en", { one: "{{ count }} guest", other: "{{ count }} guests" }),
  nobody: "Nobody.",
  typing: template<{ names: string }>("typing: {{ names }}"),
  nothingFound: "Nothing found.",
  olderResults: template<{ cursor: number }>("-- older: add --before {{ cursor }} --"),
  exported: plural<Count>("en", { one: "-- {{ count }} message --", other: "-- {{ count }} messages --" }),
  yourRooms: "Your rooms:",
  noRoomsYet: "(none yet: send to a room, or create one)",
  signInForRooms: template<Program>(
    "(sign in to see your rooms and what you have not read: {{ program }} login <username>)",
  ),
  activeRooms: "Active public rooms:",
  noneYet: "(none yet)",
  createdPublic: template<Room>("Created public room {{ room }}; you are its owner."),
  createdPrivate: template<Room>("Created private room {{ room }}; you are its owner."),
  privateHint: template<Room & Program>(
    "Only its members see it. Add someone: {{ program }} invite {{ room }} <username>",
  ),
  invited: template<Room & User>("Invited {{ user }} to {{ room }}: they are a member now."),
  kicked: template<Room & User>("Removed {{ user }} from {{ room }}."),
  banned: template<Room & User>("Banned {{ user }} from {{ room }}: they cannot come back until unbanned."),
  unbanned: template<Room & User>("{{ user }} is no longer banned from {{ room }}."),
  roleInvalid: template<{ value: string }>("A role is 'moderator' or 'member', not '{{ value }}'."),
  nowModerator: template<Room & User>("{{ user }} is a moderator of {{ room }} now."),
  nowMember: template<Room & User>("{{ user }} is a member of {{ room }} now."),
  topicSet: template<Room & { topic: string }>("The topic of {{ room }} is now: {{ topic }}"),
  topicCleared: template<Room>("{{ room }} has no topic now."),
  leaveDirect: template<User & Program>(
    "To leave a direct conversation, name its room ({{ program }} dm {{ user }} shows it).",
  ),
  left: template<Room>("You left {{ room }}."),
  dmIs: template<Room & User>("Your conversation with {{ user }} is {{ room }}."),
  dmSend: template<Room & User & Program>(
    "Send to it: {{ program }} send @{{ user }} <text>   (or: send {{ room }} <text>)",
  ),
  dmRead: template<User & Program>("Read it:    {{ program }} tail @{{ user }}"),
  edited: "(edited)",
  deleted: "(deleted)",
  entryEdited: template<{ by: string; target: number; text: string }>("{{ by }} edited #{{ target }}: {{ text }}"),
  entryDeleted: template<{ by: string; target: number }>("{{ by }} deleted #{{ target }}"),
  entryReacted: template<User & { emoji: string; target: number }>("{{ user }} reacted {{ emoji }} to #{{ target }}"),
  entryUnreacted: template<User & { emoji: string; target: number }>(
    "{{ user }} took back {{ emoji }} on #{{ target }}",
  ),
  kindPublic: "public",
  kindPrivate: "🔒 private",
  kindDirect: "🔒 direct",
  kindWith: template<User>("🔒 with {{ user }}"),
  infoTopic: template<{ topic: string }>("topic: {{ topic }}"),
  none: "(none)",
  infoOwner: template<{ owner: string }>("owner: {{ owner }}"),
  infoMembers: template<Count>("members: {{ count }}"),
  infoYou: template<{ role: string }>("you: {{ role }}"),
  notMember: "not a member",
  noUnread: "no unread",
  unread: template<{ unread: number }>("{{ unread }} unread"),
  unreadMentions: plural<Count & { unread: number }>("en", {
    one: "{{ unread }} unread, {{ count }} mention",
    other: "{{ unread }} unread, {{ count }} mentions",
  }),
  lastAt: template<{ when: string }>("last {{ when }}"),
  messages: plural<Count>("en", { one: "{{ count }} message", other: "{{ count }} messages" }),
  hereNow: template<Count>("{{ count }} here now"),
  argFile: "the file's id or URL",
  notAFile: template<{ path: string }>("Cannot read '{{ path }}': not a file."),
  uploaded: template<{ name: string; size: string }>("-- uploaded {{ name }} ({{ size }}) --"),
  notFileTarget: template<{ target: string }>("'{{ target }}' is neither a file id nor a file URL."),
  otherServer: template<{ target: string; origin: string; server: string }>(
    "'{{ target }}' is on {{ origin }}, not {{ server }}: add --url {{ origin }} to fetch it from there.",
  ),
  notFileUrl: template<{ target: string }>("'{{ target }}' is not a file URL (/files/<id>/<name>)."),
  noSuchFile: "No such file that you may read.",
  noSuchFileSignIn: template<Program>("No such file: it may need you signed in ({{ program }} login <username>)."),
  serverAnswered: template<{ status: number; path: string }>("The server answered {{ status }} for {{ path }}."),
  saved: template<{ path: string; size: string }>("Saved {{ path }} ({{ size }})."),
  targetExists: template<{ path: string }>(
    "{{ path }} exists: not overwriting it (--force replaces it, -o names another path).",
  ),
  profileOwnOnly: "--name and --avatar change your own profile: give no username.",
  whoseProfile: "Whose profile? Give a username, or sign in to see yours.",
  profileName: template<{ name: string }>("name: {{ name }}"),
  profileAvatar: template<{ url: string }>("avatar: {{ url }}"),
};
