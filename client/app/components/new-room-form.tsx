import { A, useNavigate } from "@solidjs/router";
import { createSignal, Match, Switch } from "solid-js";
import { Topic, type Visibility } from "../../../shared/schemas.ts";
import { errorMessage, useApi } from "../lib/api.ts";
import { checkRoomName, roomPath } from "../lib/room-name.ts";
import { useSession } from "../lib/session.ts";

/** "New room": a name, public or private, a topic; the server's refusal (a taken name) shown beside it. */
export function NewRoomForm() {
  const { client } = useApi();
  const session = useSession();
  const navigate = useNavigate();
  const [name, setName] = createSignal("");
  const [visibility, setVisibility] = createSignal<Visibility>("public");
  const [topic, setTopic] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);

  async function create(event: SubmitEvent) {
    event.preventDefault();
    setError(null);
    const checked = checkRoomName(name());
    if (!checked.ok) return setError(checked.error);
    const parsedTopic = Topic.safeParse(topic());
    if (!parsedTopic.success) return setError(parsedTopic.error.issues[0]?.message ?? "This topic cannot be used.");
    setBusy(true);
    try {
      const created = await client.room.create.mutate({ room: checked.name, visibility: visibility(), ...(parsedTopic.data ? { topic: parsedTopic.data } : {}) });
      navigate(roomPath(created.room));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="new-room" aria-labelledby="new-room-heading">
      <h2 id="new-room-heading">New room</h2>
      <Switch>
        <Match when={session.user() === null}>
          <p class="hint">
            <A href="/login?next=%2F">Sign in</A> to create a room.
          </p>
        </Match>
        <Match when={session.user()}>
          <form class="new-room-form" onSubmit={create} novalidate>
            <label for="new-room-name">Name</label>
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
              <legend>Who can see it</legend>
              <label>
                <input type="radio" name="visibility" value="public" checked={visibility() === "public"} onChange={() => setVisibility("public")} /> Public: anyone can read and
                join
              </label>
              <label>
                <input type="radio" name="visibility" value="private" checked={visibility() === "private"} onChange={() => setVisibility("private")} /> Private: only people you
                invite
              </label>
            </fieldset>
            <label for="new-room-topic">Topic (optional)</label>
            <input id="new-room-topic" type="text" autocomplete="off" maxlength={200} value={topic()} onInput={(e) => setTopic(e.currentTarget.value)} />
            <p id="new-room-error" class="error" role="alert">
              {error() ?? ""}
            </p>
            <button type="submit" disabled={busy()}>
              Create room
            </button>
          </form>
        </Match>
      </Switch>
    </section>
  );
}
