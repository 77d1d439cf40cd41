import { createEffect, createSignal, on } from "solid-js";
import { DisplayName } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import { usePeople } from "../lib/people.ts";
import { Avatar } from "./avatar.tsx";

const text = {
  heading: "Profile",
  displayName: "Display name",
  help: (username: string) =>
    `How others see you. Your username (${username}) stays what @ mentions and signs you in. Leave it empty to show your username.`,
  save: "Save name",
  saved: "Name saved. Open pages show it at once.",
  cleared: "Name cleared: you are shown by your username.",
};

/** The signed-in person's face and display name (`me.updateProfile`). */
export function ProfileForm(props: {
  username: string;
  save: (displayName: string) => Promise<{ username: string; displayName: string | null; avatarUrl: string | null }>;
}) {
  const people = usePeople();
  const [value, setValue] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  // The field starts from the profile once loaded (and after a change made elsewhere).
  createEffect(
    on(
      () => people.profile(props.username)?.displayName,
      (name) => setValue(name ?? ""),
    ),
  );

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setError(null);
    setNotice("");
    const typed = value().trim();
    if (typed !== "") {
      const parsed = DisplayName.safeParse(typed);
      if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Check the name.");
    }
    setBusy(true);
    try {
      people.set(await props.save(typed));
      setNotice(typed === "" ? text.cleared : text.saved);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="login profile-form" onSubmit={submit} novalidate aria-labelledby="profile-heading">
      <h2 id="profile-heading">{text.heading}</h2>
      <div class="profile-card">
        <Avatar username={props.username} size={48} />
        <strong>{people.name(props.username)}</strong>
      </div>
      <label for="display-name">{text.displayName}</label>
      <div class="row">
        <input
          id="display-name"
          type="text"
          autocomplete="nickname"
          maxlength={64}
          value={value()}
          onInput={(e) => (setValue(e.currentTarget.value), setError(null))}
          aria-describedby="display-name-help display-name-error"
        />
        <button type="submit" disabled={busy()}>
          {text.save}
        </button>
      </div>
      <p id="display-name-help" class="hint">
        {text.help(props.username)}
      </p>
      <p id="display-name-error" class="error" role="alert">
        {error() ?? ""}
      </p>
      {/* Announced politely; not a second "status" role beside the password form's. */}
      <p class="hint" aria-live="polite">
        {notice()}
      </p>
    </form>
  );
}
