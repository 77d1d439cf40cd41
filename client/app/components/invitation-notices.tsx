import { A, useLocation } from "@solidjs/router";
import { createEffect, For } from "solid-js";
import { useDmNames } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import { useMyRooms } from "../lib/my-rooms.ts";
import { usePeople } from "../lib/people.ts";

/**
 * "ann added you to #plans": a notice for each room someone added you to
 * (`me.rooms`' `invitedBy`), with a link to it. It stays until dismissed or
 * until the room is opened: a notice that vanished by itself could go unread.
 */
export function InvitationNotices() {
  const myRooms = useMyRooms();
  const people = usePeople();
  const names = useDmNames();
  const location = useLocation();
  const t = useT();
  // Opening the room is seeing the invitation.
  createEffect(() => {
    for (const i of myRooms.invitations())
      if (location.pathname === names.path(i.room)) myRooms.dismissInvitation(i.room);
  });
  return (
    <div class="toasts" aria-live="polite">
      <For each={myRooms.invitations()}>
        {(invitation) => (
          <div class="toast invitation" data-invitation={invitation.room}>
            <p>{t("shell.invitedYou", { by: people.name(invitation.by), room: names.label(invitation.room) })}</p>
            <A href={names.path(invitation.room)}>{t("shell.invitationOpen")}</A>
            <button
              type="button"
              class="link-button"
              aria-label={t("shell.invitationDismissLabel", { room: names.label(invitation.room) })}
              onClick={() => myRooms.dismissInvitation(invitation.room)}
            >
              {t("shell.invitationDismiss")}
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
