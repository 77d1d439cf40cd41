import { useNavigate } from "@solidjs/router";
import { createEffect, on } from "solid-js";
import { useApi } from "../lib/api.ts";
import { useDmNames } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import { browserNotifications, latestMention, mentionNotification, showMention } from "../lib/mention-notifier.ts";
import { newMentions, useMyRooms } from "../lib/my-rooms.ts";
import { useSession } from "../lib/session.ts";

/** How many recent messages are searched for the mention the notification quotes. */
const MENTION_LOOKBACK = 20;

/** Shows a browser notification for each new mention of you while this tab is hidden. Renders nothing. */
export function MentionNotifications() {
  const myRooms = useMyRooms();
  const names = useDmNames();
  const session = useSession();
  const { client } = useApi();
  const navigate = useNavigate();
  const t = useT();

  async function notify(room: string, lastReadSeq: number) {
    const api = browserNotifications();
    const self = session.user()?.username;
    if (api?.permission !== "granted" || !self) return;
    const recent = await client.room.history.query({ room, limit: MENTION_LOOKBACK }).then(
      (page) => page.messages,
      () => [],
    );
    const { title, body } = mentionNotification(names.label(room), latestMention(recent, self, lastReadSeq), t);
    showMention({ api, room, title, body, open: (r) => navigate(names.path(r)) });
  }

  createEffect(
    on(myRooms.state, (after, before) => {
      if (!before || document.visibilityState === "visible") return;
      for (const room of newMentions(before, after)) void notify(room.room, room.lastReadSeq);
    }),
  );
  return null;
}
