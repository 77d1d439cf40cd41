/**
 * Parlor in English: the catalog every other language follows key for key
 * (es.ts is typed as `Catalog`, so a key missing or extra there does not
 * compile). One namespace per surface. Plain strings take no arguments;
 * `template<…>` strings have `{{ slots }}`; `plural<…>` entries agree with a
 * count. Rich strings (`<name/>`, `<link>words</link>`) are rendered by the
 * web app's <Rich> with components in the slots, never as HTML.
 */
import { enApp } from "./en-app.ts";
import { enCli } from "./en-cli.ts";
import { enLib } from "./en-lib.ts";
import { enRoom } from "./en-room.ts";
import { plural, template } from "./plural.ts";

type Room = { room: string };
type User = { user: string };
type Count = { count: number };

export const en = {
  common: {
    appName: "Parlor",
    loading: "Loading…",
    skipToContent: "Skip to content",
    pageTitle: template<{ page: string }>("{{ page }} · Parlor"),
    noscript: "Parlor needs JavaScript to chat.",
  },
  /** What the API refused, said from its code, reason and fields (the API's own messages stay English, for scripts). */
  errors: {
    /** "yes" where the API's own messages (English) can be shown as they are, for refusals with no named reason. */
    apiWordsReadable: "yes",
    network: "Cannot reach the server. Check your connection and try again.",
    generic: "Something went wrong. Please try again.",
    internal: template<{ id: string }>("Something went wrong on the server (error {{ id }}). Please try again."),
    unavailable: "Parlor cannot store anything right now: try again shortly.",
    unauthorized: "Sign in to do this.",
    forbidden: "You are not allowed to do this.",
    notFound: "It does not exist, or you cannot see it.",
    conflict: "That already exists.",
    badInput: "Check what you entered.",
    tooLarge: "That is too large.",
    rateLimited: plural<Count>("en", {
      one: "Too many attempts: try again in {{ count }} second.",
      other: "Too many attempts: try again in {{ count }} seconds.",
    }),
    rateLimitedLater: "Too many attempts: try again later.",
    roomNotFound: template<Room>("Room “{{ room }}” does not exist."),
    banned: template<Room>("You are banned from “{{ room }}”."),
    managersOnly: "Only the room's owner and moderators can do this.",
    notOnOwner: "Nobody can do this to the room's owner.",
    notOnModerator: "Moderators cannot act on other moderators.",
    ownerOnlyRoles: "Only the room's owner can change roles.",
    senderOnlyEdit: "Only its sender can edit a message.",
    senderOrModeratorDelete: "Only its sender, the room's owner or a moderator can delete a message.",
    wrongCredentials: "Wrong username or password.",
    wrongPassword: "Your current password is not right.",
    usernameTaken: "That username is taken.",
    notOnYourself: "You cannot do this to yourself.",
    ownerCannotLeave: "The owner cannot leave their room.",
    dmNeedsSomeoneElse: "A direct conversation needs someone else.",
    dmTwoOnly: "A direct conversation is between its two people only.",
    fileEmpty: "The file is empty.",
    imageUnreadable: "This image cannot be read: it is damaged or not what it claims to be.",
    imageTooManyPixels: "This image has too many pixels to process.",
    uploadsAtOnce: plural<Count>("en", {
      one: "At most {{ count }} upload at a time: wait for it to finish.",
      other: "At most {{ count }} uploads at a time: wait for one to finish.",
    }),
    uploadsPerDay: plural<Count>("en", {
      one: "At most {{ count }} file a day: try again tomorrow.",
      other: "At most {{ count }} files a day: try again tomorrow.",
    }),
    uploadBytesPerDay: "You have uploaded as much as you may for today: try again tomorrow.",
    fileAttachedTwice: "A file can be attached to a message once.",
    uploadGone: "A file is no longer there to send: upload it again.",
    avatarNotYours: "Choose an image you uploaded (JPEG, PNG, WebP or GIF).",
    noSuchUser: template<User>("Nobody is called “{{ user }}”."),
    roomTaken: template<Room>("There is already a room called “{{ room }}”."),
    roomFull: plural<Count>("en", {
      one: "This room is full ({{ count }} member).",
      other: "This room is full ({{ count }} members).",
    }),
    privateRoomsPerDay: plural<Count>("en", {
      one: "At most {{ count }} private room a day: try again tomorrow.",
      other: "At most {{ count }} private rooms a day: try again tomorrow.",
    }),
    privateByInvitation: "A private room is joined by invitation.",
    notAMember: template<Room>("You are not a member of “{{ room }}”."),
    theyAreNotMember: template<User>("{{ user }} is not a member of this room."),
    publicNoInvite: "Anyone can join a public room: there is no need to invite.",
    unbanFirst: template<User>("{{ user }} is banned from this room: unban them first."),
    ownerRoleFixed: "The owner's role does not change.",
    noSuchMessage: "That message does not exist.",
    messageDeleted: "This message was deleted.",
    replyGone: "The message you are answering can no longer be answered.",
    reactionsLimit: plural<Count>("en", {
      one: "A message takes at most {{ count }} different emoji.",
      other: "A message takes at most {{ count }} different emoji.",
    }),
    sessionGone: "That session has ended already.",
    fieldTooShort: plural<Count & { field: string }>("en", {
      one: "{{ field }}: at least {{ count }} character.",
      other: "{{ field }}: at least {{ count }} characters.",
    }),
    fieldTooLong: plural<Count & { field: string }>("en", {
      one: "{{ field }}: at most {{ count }} character.",
      other: "{{ field }}: at most {{ count }} characters.",
    }),
    fieldCharacters: template<{ field: string }>("{{ field }}: only letters, digits, “_” and “-”."),
    fieldInvalid: template<{ field: string }>("Check the field “{{ field }}”."),
    passwordsDiffer: "The new passwords differ.",
  },
  /** How the error texts name an input's fields. */
  fields: {
    username: "Username",
    password: "Password",
    currentPassword: "Current password",
    newPassword: "New password",
    room: "Room name",
    text: "Message",
    topic: "Topic",
    displayName: "Display name",
    query: "Search words",
  },
  login: {
    title: "Sign in",
    headingSignIn: "Sign in",
    headingSignUp: "Create an account",
    username: "Username",
    password: "Password",
    usernameHelp: "3 to 32 letters, digits, “_” or “-”.",
    passwordHelp: "At least 8 characters.",
    submitSignIn: "Sign in",
    submitSignUp: "Create account",
    newHere: "New here?",
    createAccount: "Create an account",
    haveAccount: "Already have an account?",
    signIn: "Sign in",
    enterBoth: "Enter your username and password.",
    checkBoth: "Check your username and password.",
    signedInHeading: "You are signed in",
    signedInAs: "Signed in as <name/>. <continue>Continue</continue>, or sign out from the top of the page.",
  },
  notFound: {
    title: "Page not found",
    heading: "Page not found",
    body: "<home>Choose a room</home> instead.",
  },
  account: {
    languageHeading: "Language",
    languageLabel: "Language of Parlor",
    languageBrowser: template<{ language: string }>("Same as this browser ({{ language }})"),
    languageHelp: "Signed in, your choice follows you to your other devices.",
    languageHelpGuest: "Your choice is kept in this browser.",
    languageSaved: "Saved for your account.",
  },
  notifications: {
    mentioned: "You were mentioned.",
    mentionBody: template<{ sender: string; text: string }>("{{ sender }}: {{ text }}"),
    askPermission: "Notify me of mentions",
    granted: "You are notified of mentions while Parlor is in the background.",
    denied: "Notifications are blocked for this site in your browser's settings.",
  },
  /** Roles and the membership entries of the room log, as the timeline and the CLI word them. */
  moderation: {
    roleOwner: "owner",
    roleModerator: "moderator",
    roleMember: "member",
    joined: template<User>("{{ user }} joined"),
    left: template<User>("{{ user }} left"),
    invited: template<User & { by: string }>("{{ by }} added {{ user }}"),
    kicked: template<User & { by: string }>("{{ by }} removed {{ user }}"),
    banned: template<User & { by: string }>("{{ by }} banned {{ user }}"),
    unbanned: template<User & { by: string }>("{{ by }} unbanned {{ user }}"),
    madeModerator: template<User & { by: string }>("{{ by }} made {{ user }} a moderator"),
    madeMember: template<User & { by: string }>("{{ by }} made {{ user }} a member"),
  },
  /** Relative times ("5 minutes ago") come from Intl.RelativeTimeFormat; these are the words it has none for. */
  time: {
    justNow: "just now",
  },
  cli: enCli,
  ...enRoom,
  ...enApp,
  ...enLib,
};

/** Every language's catalog has exactly this shape (the same keys, the same arguments). */
export type Catalog = typeof en;
