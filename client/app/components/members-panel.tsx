import { useNavigate } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { type RoomMember, Username } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import { dmPath } from "../lib/dm-names.ts";
import { useT } from "../lib/locale.ts";
import type { RoomMembers } from "../lib/room-members.ts";
import {
  actionLabel,
  canInvite,
  canJoin,
  canLeave,
  isManagerRole,
  type MemberAction,
  memberActions,
  roleLabel,
} from "../lib/room-roles.ts";
import { Avatar } from "./avatar.tsx";
import { PersonName } from "./person-name.tsx";
import { RoomSettings } from "./room-settings.tsx";

export interface MembersPanelProps {
  room: string;
  members: RoomMembers;
  /** The signed-in user's name; null for a guest. */
  self: string | null;
  onClose: () => void;
}

/** Who is a member, with roles; invite, and each member's menu of what the viewer may do to them. */
export function MembersPanel(props: MembersPanelProps) {
  const navigate = useNavigate();
  const t = useT();
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal("");
  const [openMenu, setOpenMenu] = createSignal<string | null>(null);
  const [invitee, setInvitee] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const info = () => props.members.info() ?? null;

  async function run(task: () => Promise<unknown>, done?: string) {
    setError(null);
    setNotice("");
    setBusy(true);
    try {
      await task();
      if (done) setNotice(done);
    } catch (e) {
      setError(errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  function act(action: MemberAction, member: RoomMember) {
    setOpenMenu(null);
    // The conversation's page opens (or starts) it with dm.open.
    if (action === "message") return navigate(dmPath(member.username));
    const done = {
      makeModerator: "people.nowModerator",
      makeMember: "people.nowMember",
      kick: "people.kicked",
      ban: "people.banned",
    } as const;
    return run(() => props.members.act(action, member.username), t(done[action], { user: member.username }));
  }

  function invite(event: SubmitEvent) {
    event.preventDefault();
    const parsed = Username.safeParse(invitee().trim());
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? t("people.enterUsername"));
    return run(
      async () => {
        await props.members.invite(parsed.data);
        setInvitee("");
      },
      t("people.invited", { user: parsed.data }),
    );
  }

  return (
    <aside
      id="members-panel"
      class="members-panel"
      aria-labelledby="members-heading"
      // Escape closes an open member menu first, then the panel.
      onKeyDown={(e) => {
        if (e.key !== "Escape") return;
        e.stopPropagation();
        if (openMenu() !== null) setOpenMenu(null);
        else props.onClose();
      }}
    >
      <header class="members-panel-header">
        <h2 id="members-heading">
          {t("people.members")}
          <Show when={info()}>{(i) => <span class="count"> ({i().members})</span>}</Show>
        </h2>
        <button type="button" class="link-button" onClick={() => props.onClose()}>
          {t("people.close")}
        </button>
      </header>

      <Show when={info() && canInvite(info()!)}>
        <form class="invite-form" onSubmit={invite} novalidate>
          <label for="invite-username">{t("people.inviteLabel")}</label>
          <div class="row">
            <input
              id="invite-username"
              type="text"
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              value={invitee()}
              onInput={(e) => (setInvitee(e.currentTarget.value), setError(null))}
              aria-describedby="members-error"
            />
            <button type="submit" disabled={busy()}>
              {t("people.invite")}
            </button>
          </div>
        </form>
      </Show>

      <p id="members-error" class="error" role="alert">
        {error() ?? ""}
      </p>
      <p class="hint members-notice" role="status">
        {notice()}
      </p>

      <Show when={props.members.members.error}>
        <p class="hint">{t("people.membersFailed")}</p>
      </Show>
      <Show when={info() === null && !props.members.info.loading}>
        <p class="hint">{t("people.nobodyYet")}</p>
      </Show>
      <ul class="member-list" aria-labelledby="members-heading">
        <For each={props.members.members.latest ?? []}>
          {(member) => {
            const actions = () => (info() ? memberActions(info()!, props.self, member) : []);
            const menuId = `member-menu-${member.username}`;
            return (
              <li class="member" data-username={member.username}>
                <span class="member-name">
                  <Avatar username={member.username} size={24} />
                  <PersonName username={member.username} showUsername />
                  <Show when={member.username === props.self}>
                    <span class="hint"> {t("people.you")}</span>
                  </Show>
                </span>
                <Show when={member.role !== "member"}>
                  <span class="role-tag" data-role={member.role}>
                    {roleLabel(t, member.role)}
                  </span>
                </Show>
                <Show when={actions().length > 0}>
                  <button
                    type="button"
                    class="member-menu-button"
                    aria-expanded={openMenu() === member.username}
                    aria-controls={menuId}
                    aria-label={t("people.actionsFor", { user: member.username })}
                    onClick={() => setOpenMenu((open) => (open === member.username ? null : member.username))}
                  >
                    <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
                      <circle cx="3" cy="8" r="1.6" fill="currentColor" />
                      <circle cx="8" cy="8" r="1.6" fill="currentColor" />
                      <circle cx="13" cy="8" r="1.6" fill="currentColor" />
                    </svg>
                  </button>
                  <Show when={openMenu() === member.username}>
                    <ul id={menuId} class="member-menu" aria-label={t("people.actionsFor", { user: member.username })}>
                      <For each={actions()}>
                        {(action) => (
                          <li>
                            <button
                              type="button"
                              classList={{ danger: action === "kick" || action === "ban" }}
                              disabled={busy()}
                              onClick={() => void act(action, member)}
                            >
                              {actionLabel(t, action, member.username)}
                            </button>
                          </li>
                        )}
                      </For>
                    </ul>
                  </Show>
                </Show>
              </li>
            );
          }}
        </For>
      </ul>

      <Show when={info() && !info()!.direct && isManagerRole(info()!.role) ? info() : null}>
        {(i) => <RoomSettings members={props.members} topic={i().topic} busy={busy()} run={run} />}
      </Show>

      <Show when={info() && canJoin(info()!) && props.self}>
        <button
          type="button"
          class="secondary"
          disabled={busy()}
          onClick={() => void run(() => props.members.join(), t("people.joined"))}
        >
          {t("people.joinRoom")}
        </button>
      </Show>
      <Show when={info() && canLeave(info()!)}>
        <button
          type="button"
          class="secondary danger"
          disabled={busy()}
          onClick={() => void run(() => props.members.leave())}
        >
          {t("people.leaveRoom")}
        </button>
      </Show>
    </aside>
  );
}
