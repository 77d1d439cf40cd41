import { createSignal, For, Show } from "solid-js";
import { Topic } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import { formatFullTime } from "../lib/format-time.ts";
import { useLocale } from "../lib/locale.ts";
import type { RoomMembers } from "../lib/room-members.ts";
import { PersonName } from "./person-name.tsx";

/**
 * What the owner and moderators change about the room itself: its topic, and
 * who is banned (with Unban). Roles are changed from each member's menu.
 */
export function RoomSettings(props: {
  members: RoomMembers;
  topic: string | null;
  busy: boolean;
  run: (task: () => Promise<unknown>, done?: string) => Promise<void>;
}) {
  const { t, locale } = useLocale();
  const [topic, setTopic] = createSignal(props.topic ?? "");
  const [topicError, setTopicError] = createSignal<string | null>(null);

  function saveTopic(event: SubmitEvent) {
    event.preventDefault();
    const parsed = Topic.safeParse(topic());
    if (!parsed.success) return setTopicError(parsed.error.issues[0]?.message ?? t("people.checkTopic"));
    setTopicError(null);
    return props.run(
      () => props.members.setTopic(parsed.data),
      parsed.data === "" ? t("people.topicCleared") : t("people.topicSaved"),
    );
  }

  return (
    <section class="room-settings" aria-labelledby="room-settings-heading">
      <h3 id="room-settings-heading">{t("people.settings")}</h3>
      <form class="topic-form" onSubmit={saveTopic} novalidate>
        <label for="room-topic">{t("people.topic")}</label>
        <div class="row">
          <input
            id="room-topic"
            type="text"
            maxlength={200}
            value={topic()}
            onInput={(e) => (setTopic(e.currentTarget.value), setTopicError(null))}
            aria-describedby="room-topic-help room-topic-error"
          />
          <button type="submit" disabled={props.busy}>
            {t("people.saveTopic")}
          </button>
        </div>
        <p id="room-topic-help" class="hint">
          {t("people.topicHelp")}
        </p>
        <p id="room-topic-error" class="error" role="alert">
          {topicError() ?? ""}
        </p>
      </form>

      <h3 id="bans-heading">{t("people.bannedHeading")}</h3>
      <Show
        when={!props.members.bans.error}
        fallback={<p class="hint">{errorMessage(props.members.bans.error, t) || t("people.bansFailed")}</p>}
      >
        <Show
          when={(props.members.bans.latest ?? []).length > 0}
          fallback={<p class="hint">{t("people.nobodyBanned")}</p>}
        >
          <ul class="ban-list" aria-labelledby="bans-heading">
            <For each={props.members.bans.latest ?? []}>
              {(ban) => (
                <li data-banned={ban.username}>
                  <span>
                    <PersonName username={ban.username} showUsername />{" "}
                    <span class="hint">
                      {t("people.bannedBy", { by: ban.by, at: formatFullTime(ban.at, locale()) })}
                    </span>
                  </span>
                  <button
                    type="button"
                    class="secondary"
                    disabled={props.busy}
                    aria-label={t("people.unbanLabel", { user: ban.username })}
                    onClick={() =>
                      void props.run(
                        () => props.members.unban(ban.username),
                        t("people.unbanned", { user: ban.username }),
                      )
                    }
                  >
                    {t("people.unban")}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
