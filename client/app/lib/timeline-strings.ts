/**
 * The words of the timeline and the theme switch, kept together so the
 * message catalogs can take them over in one place.
 */
export const timelineStrings = {
  edited: "(edited)",
  editedAt: (when: string) => `Edited ${when}`,
  deleted: "This message was deleted",
  showMore: "Show more",
  showLess: "Show less",
  newMessages: "New messages",
  newMessagesButton: (n: number) => `${n} new ${n === 1 ? "message" : "messages"} ↓`,
  messagesIn: (room: string) => `Messages in #${room}`,
  messageLabel: (sender: string, time: string) => `${sender}, ${time}`,
} as const;

export const themeStrings = {
  label: "Theme",
  choices: { system: "System theme", light: "Light theme", dark: "Dark theme" },
} as const;
