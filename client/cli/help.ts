/** The CLI's help, printed with no command, with -h, and after a usage error. */
import { credentialsPath } from "./credentials.ts";

export const HELP = `Parlor chat from the command line.

Usage: bun run chat -- <command> [arguments] [options]

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

The session token is saved in ${credentialsPath()} (PARLOR_TOKEN overrides it).`;
