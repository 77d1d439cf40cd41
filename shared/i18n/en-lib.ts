/**
 * The web app's words that its helpers in client/app/lib compose (en.ts's
 * `roomName`, `passwordForm`, `sessions`, `conversation`, `badges`, `presence`,
 * `memberActions` and `announce` namespaces): a room name or username refused
 * before sending, the password form, the session list, unread badges, who is
 * here and typing, the members menu, what the room page announces.
 */
import { plural, template } from "./plural.ts";

type Count = { count: number };
type When = { when: string };

export const enLib = {
  roomName: {
    empty: "A room name cannot be empty.",
    tooLong: template<Count>("A room name has at most {{ count }} characters."),
    characters: "A room name may contain only letters, digits, '-', '_' and '.'.",
    dots: "A room name cannot contain '..'.",
    dotAlone: "A room name cannot be '.' alone.",
    invalid: "This is not a valid room name.",
  },
  passwordForm: {
    enterCurrent: "Enter your current password.",
    currentTooLong: template<Count>("A password has at most {{ count }} characters."),
    newTooShort: template<Count>("New password: A password has at least {{ count }} characters."),
    newTooLong: template<Count>("New password: A password has at most {{ count }} characters."),
    check: "Check the passwords.",
    changedNone: "Password changed. No other session was signed out; this browser stays signed in.",
    changed: plural<Count>("en", {
      one: "Password changed. {{ count }} other session was signed out; this browser stays signed in.",
      other: "Password changed. {{ count }} other sessions were signed out; this browser stays signed in.",
    }),
  },
  sessions: {
    thisBrowser: "This browser",
    otherDevice: "Another device or browser",
    from: template<{ address: string }>("From {{ address }}"),
    activeNow: "Active now",
    activeMinutes: plural<Count>("en", {
      one: "Active {{ count }} minute ago",
      other: "Active {{ count }} minutes ago",
    }),
    activeHours: plural<Count>("en", {
      one: "Active {{ count }} hour ago",
      other: "Active {{ count }} hours ago",
    }),
    lastActive: template<When>("Last active {{ when }}"),
    notDated: "Not used since sessions were dated",
    signedIn: template<When>("Signed in {{ when }}"),
    signedInUndated: "Signed in before sessions were dated",
    expires: template<When>("Expires {{ when }} unless used"),
    browserOnSystem: template<{ browser: string; system: string }>("{{ browser }} on {{ system }}"),
    aBrowserOn: template<{ system: string }>("A browser on {{ system }}"),
    unknownBrowser: "Unknown browser",
  },
  conversation: {
    empty: "Enter the username of the person to message.",
    self: "That is you: enter someone else's username.",
    nobody: template<{ username: string }>("Nobody is called “{{ username }}”. Check the username."),
    signIn: "Sign in to send direct messages.",
    usernameTooShort: template<Count>("A username has at least {{ count }} characters."),
    usernameTooLong: template<Count>("A username has at most {{ count }} characters."),
    usernameCharacters: "A username may contain only letters, digits, '_' and '-'.",
  },
  badges: {
    unread: template<Count>("{{ count }} unread"),
    unreadMentions: plural<Count & { unread: number }>("en", {
      one: "{{ unread }} unread, {{ count }} mention",
      other: "{{ unread }} unread, {{ count }} mentions",
    }),
  },
  presence: {
    guests: plural<Count>("en", { one: "{{ count }} guest", other: "{{ count }} guests" }),
    typingOne: template<{ name: string }>("{{ name }} is typing…"),
    typingTwo: template<{ first: string; second: string }>("{{ first }} and {{ second }} are typing…"),
    typingMany: "several people are typing…",
    /** `count`: how many people `names` stands for (a verb agrees with it in some languages). */
    joined: plural<Count & { names: string }>("en", { one: "{{ names }} joined", other: "{{ names }} joined" }),
    left: plural<Count & { names: string }>("en", { one: "{{ names }} left", other: "{{ names }} left" }),
    joinedAndLeft: template<{ joined: string; left: string }>("{{ joined }} joined; {{ left }} left"),
    namesAnd: template<{ names: string; last: string }>("{{ names }} and {{ last }}"),
    namesAndOthers: plural<Count & { names: string }>("en", {
      one: "{{ names }} and {{ count }} other",
      other: "{{ names }} and {{ count }} others",
    }),
    you: "you",
  },
  memberActions: {
    message: template<{ user: string }>("Message {{ user }}"),
    makeModerator: "Make moderator",
    makeMember: "Make member",
    kick: "Remove from room",
    ban: "Ban from room",
  },
  /** What the room page's live region reads out. */
  announce: {
    message: template<{ sender: string; text: string }>("{{ sender }}: {{ text }}"),
  },
};
