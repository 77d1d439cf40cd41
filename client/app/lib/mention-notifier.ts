/**
 * A browser notification when someone mentions you while this tab is hidden.
 * Permission is asked only from a click ("Notify me of mentions"), never on
 * load; clicking a notification focuses the tab and opens the room.
 */
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { mentions } from "../../../shared/room-log.ts";
import type { Message } from "./message-log.ts";

/** The part of the Notification API used here, so tests and browsers without it can pass their own. */
export interface NotificationApi {
  readonly permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  new (title: string, options?: NotificationOptions): Notification;
}

export const browserNotifications = (): NotificationApi | null =>
  typeof Notification === "undefined" ? null : Notification;

/** The newest message in `messages` that mentions `self`, sent by someone else after the marker. */
export function latestMention(messages: readonly Message[], self: string, lastReadSeq: number): Message | null {
  let found: Message | null = null;
  for (const m of messages) {
    if (
      m.seq > lastReadSeq &&
      m.sender !== self &&
      !m.deleted &&
      mentions(m.text, self) &&
      (!found || m.seq > found.seq)
    )
      found = m;
  }
  return found;
}

const BODY_MAX = 140;

/** What the notification says, in the page's language: who and what, cut to a glance; the room alone when the message is not at hand. */
export function mentionNotification(
  roomLabel: string,
  message: Message | null,
  t: Translate = english,
): { title: string; body: string } {
  if (!message) return { title: roomLabel, body: t("notifications.mentioned") };
  const chars = [...message.text];
  const text = chars.length > BODY_MAX ? `${chars.slice(0, BODY_MAX - 1).join("")}…` : message.text;
  return { title: roomLabel, body: t("notifications.mentionBody", { sender: message.sender, text }) };
}

export interface ShowMentionOptions {
  api: NotificationApi;
  room: string;
  title: string;
  body: string;
  /** Opens the room in this tab. */
  open: (room: string) => void;
  focus?: () => void;
}

/** Shows one notification (one per room at a time: a newer one replaces it); null without permission. */
export function showMention({
  api,
  room,
  title,
  body,
  open,
  focus = () => window.focus(),
}: ShowMentionOptions): Notification | null {
  if (api.permission !== "granted") return null;
  const notification = new api(title, { body, tag: `parlor-mention:${room}` });
  notification.onclick = () => {
    focus();
    open(room);
    notification.close();
  };
  return notification;
}
