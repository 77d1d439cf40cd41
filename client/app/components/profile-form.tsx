import { createEffect, createSignal, on, Show } from "solid-js";
import { DisplayName } from "../../../shared/schemas.ts";
import { errorMessage } from "../lib/api.ts";
import { useT } from "../lib/locale.ts";
import { usePeople } from "../lib/people.ts";
import { sendUpload, UploadError, uploadErrorText } from "../lib/upload-transport.ts";
import { Avatar } from "./avatar.tsx";

/** The signed-in person's face and display name (`me.updateProfile`). */
type SavedProfile = { username: string; displayName: string | null; avatarUrl: string | null };

/** `saveAvatar` takes an uploaded image's id (null: no picture). */
export function ProfileForm(props: {
  username: string;
  save: (displayName: string) => Promise<SavedProfile>;
  saveAvatar: (id: string | null) => Promise<SavedProfile>;
}) {
  const people = usePeople();
  const t = useT();
  const [value, setValue] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  // The field follows the profile once loaded (and a change made elsewhere), unless the reader has typed meanwhile.
  let shown = "";
  createEffect(
    on(
      () => people.profile(props.username)?.displayName,
      (name) => {
        if (value() === shown) setValue(name ?? "");
        shown = name ?? "";
      },
    ),
  );

  /** Runs one change of the profile; what it resolves to is the profile now, shown everywhere at once. */
  async function change(task: () => Promise<SavedProfile>, done: string, before = "") {
    setError(null);
    setNotice(before);
    setBusy(true);
    try {
      people.set(await task());
      setNotice(done);
    } catch (e) {
      setNotice("");
      // An UploadError's message is already the sentence to show (upload-transport.ts; the composer's pass translates it).
      setError(e instanceof UploadError ? uploadErrorText(e, t) : errorMessage(e, t));
    } finally {
      setBusy(false);
    }
  }

  /** Uploads the chosen image with the composer's transport, then makes it the picture. */
  async function pick(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    await change(
      async () => props.saveAvatar((await sendUpload({ file, name: file.name })).id),
      t("accountPage.pictureSaved"),
      t("accountPage.uploading"),
    );
    input.value = "";
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const typed = value().trim();
    if (typed !== "") {
      const parsed = DisplayName.safeParse(typed);
      if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? t("accountPage.checkName"));
    }
    return change(() => props.save(typed), typed === "" ? t("accountPage.nameCleared") : t("accountPage.nameSaved"));
  }

  return (
    <form class="login profile-form" onSubmit={submit} novalidate aria-labelledby="profile-heading">
      <h2 id="profile-heading">{t("accountPage.profile")}</h2>
      <div class="profile-card">
        <Avatar username={props.username} size={48} />
        <strong>{people.name(props.username)}</strong>
      </div>
      <label for="avatar-file">{t("accountPage.picture")}</label>
      <div class="row">
        <input
          id="avatar-file"
          type="file"
          accept="image/jpeg,image/png,image/webp,image/gif"
          disabled={busy()}
          aria-describedby="avatar-help display-name-error"
          onChange={(e) => void pick(e.currentTarget)}
        />
        <Show when={people.profile(props.username)?.avatarUrl}>
          <button
            type="button"
            class="secondary"
            disabled={busy()}
            onClick={() => void change(() => props.saveAvatar(null), t("accountPage.pictureRemoved"))}
          >
            {t("accountPage.removePicture")}
          </button>
        </Show>
      </div>
      <p id="avatar-help" class="hint">
        {t("accountPage.pictureHelp")}
      </p>
      <label for="display-name">{t("accountPage.displayName")}</label>
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
          {t("accountPage.saveName")}
        </button>
      </div>
      <p id="display-name-help" class="hint">
        {t("accountPage.displayNameHelp", { username: props.username })}
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
