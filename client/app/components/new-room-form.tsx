import { A, useNavigate } from "@solidjs/router";
import { createSignal, Match, Switch } from "solid-js";
import { Topic, type Visibility } from "../../../shared/schemas.ts";
import { errorMessage, useApi } from "../lib/api.ts";
import { useT } from "../lib/locale.ts";
import { codeOf } from "../lib/room-access.ts";
import { checkRoomName, roomPath } from "../lib/room-name.ts";
import { useSession } from "../lib/session.ts";
import { Rich } from "./rich.tsx";

/** "New room": a name, public or private, a topic; the server's refusal (a taken name) shown beside it. */
export function NewRoomForm() {
  const { client } = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const t = useT();
  const [name, setName] = createSignal("");
  const [visibility, setVisibility] = createSignal<Visibility>("public");
  const [topic, setTopic] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function create(event: SubmitEvent) {
    event.preventDefault();
    setError(null);
    const checked = checkRoomName(t, name());
    if (!checked.ok) return setError(checked.error);
    const parsedTopic = Topic.safeParse(topic());
    if (!parsedTopic.success) return setError(parsedTopic.error.issues[0]?.message ?? t("home.newRoomBadTopic"));
    setBusy(true);
    try {
      const created = await client.room.create.mutate({
        room: checked.name,
        visibility: visibility(),
        ...(parsedTopic.data ? { topic: parsedTopic.data } : {}),
      });
      navigate(roomPath(created.room));
    } catch (e) {
      // A taken name is named, as the form holds it; any other refusal is worded from its code.
      setError(codeOf(e) === "CONFLICT" ? t("home.newRoomTaken", { room: checked.name }) : errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="new-room" aria-labelledby="new-room-heading">
      <h2 id="new-room-heading">{t("home.newRoomHeading")}</h2>
      <Switch>
        <Match when={session.user() === null}>
          <p class="hint">
            <Rich text={t("home.newRoomSignIn")} slots={{ signIn: (words) => <A href="/login?next=%2F">{words}</A> }} />
          </p>
        </Match>
        <Match when={session.user()}>
          <form class="new-room-form" onSubmit={create} novalidate>
            <label for="new-room-name">{t("home.newRoomName")}</label>
            <input
              id="new-room-name"
              type="text"
              autocomplete="off"
              autocapitalize="off"
              spellcheck={false}
              value={name()}
              onInput={(e) => (setName(e.currentTarget.value), setError(null))}
              aria-invalid={error() !== null}
              aria-describedby="new-room-error"
            />
            <fieldset class="visibility">
              <legend>{t("home.newRoomWho")}</legend>
              <label>
                <input
                  type="radio"
                  name="visibility"
                  value="public"
                  checked={visibility() === "public"}
                  onChange={() => setVisibility("public")}
                />{" "}
                {t("home.newRoomPublic")}
              </label>
              <label>
                <input
                  type="radio"
                  name="visibility"
                  value="private"
                  checked={visibility() === "private"}
                  onChange={() => setVisibility("private")}
                />{" "}
                {t("home.newRoomPrivate")}
              </label>
            </fieldset>
            <label for="new-room-topic">{t("home.newRoomTopic")}</label>
            <input
              id="new-room-topic"
              type="text"
              autocomplete="off"
              maxlength={200}
              value={topic()}
              onInput={(e) => setTopic(e.currentTarget.value)}
            />
            <p id="new-room-error" class="error" role="alert">
              {error() ?? ""}
            </p>
            <button type="submit" disabled={busy()}>
              {t("home.newRoomCreate")}
            </button>
          </form>
        </Match>
      </Switch>
    </section>
  );
}
