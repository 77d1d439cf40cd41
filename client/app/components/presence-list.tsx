import { createMemo, For, Show } from "solid-js";
import { useT } from "../lib/locale.ts";
import { guestsLabel, presentList, type RoomPresence } from "../lib/presence.ts";
import { Avatar } from "./avatar.tsx";
import { PersonName } from "./person-name.tsx";

export interface PresenceListProps {
  presence: RoomPresence | null;
  /** The signed-in user's name, marked "(you)". */
  self: string | null | undefined;
  /** "ann joined", batched; announced politely. */
  notice: string;
}

/** Who is in the room now: signed-in users by name, guests counted; arrivals and departures in a quiet line. */
export function PresenceList(props: PresenceListProps) {
  const t = useT();
  const list = createMemo(() => (props.presence ? presentList(props.presence, props.self) : null));
  return (
    <section class="presence" aria-labelledby="presence-heading">
      <h2 id="presence-heading" class="presence-heading">
        {t("people.hereNow")}
        <Show when={list()}>{(l) => <span class="count"> ({l().total})</span>}</Show>
      </h2>
      <ul id="presence-list" class="presence-list" aria-labelledby="presence-heading">
        <For each={list()?.shown ?? []}>
          {(name) => (
            <li class="person" classList={{ self: name === props.self }}>
              <Avatar username={name} size={20} />
              <PersonName username={name} />
              <Show when={name === props.self}>
                <span class="hint"> {t("people.you")}</span>
              </Show>
            </li>
          )}
        </For>
        <Show when={(list()?.more ?? 0) > 0}>
          <li class="more">{t("people.more", { count: list()!.more })}</li>
        </Show>
        <Show when={(list()?.guests ?? 0) > 0}>
          <li class="guests">+ {guestsLabel(t, list()!.guests)}</li>
        </Show>
      </ul>
      <p id="presence-notice" class="presence-notice" aria-live="polite" aria-atomic="true">
        {props.notice}
      </p>
    </section>
  );
}
