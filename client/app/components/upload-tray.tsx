import { For, Match, Show, Switch } from "solid-js";
import { formatFileSize } from "../lib/file-size.ts";
import { useT } from "../lib/locale.ts";
import { uploadErrorText } from "../lib/upload-transport.ts";
import type { UploadItem } from "../lib/uploads.ts";
import { CloseIcon } from "./icons.tsx";

/**
 * The composer's files (uploads.ts): each with its size and a progress bar
 * while it uploads, what went wrong when it failed, and a button to cancel the
 * upload or take the file off the message.
 */
export function UploadTray(props: { items: readonly UploadItem[]; waiting: boolean; onRemove: (key: number) => void }) {
  const t = useT();
  return (
    <Show when={props.items.length > 0}>
      <div class="upload-tray">
        <ul aria-label={t("files.toSend")}>
          <For each={props.items}>
            {(item) => (
              <li class="upload-item" data-state={item.state}>
                <span class="upload-name">{item.name}</span>{" "}
                <span class="upload-size">{formatFileSize(item.size)}</span>
                <Switch>
                  <Match when={item.state === "uploading"}>
                    <progress
                      max={Math.max(1, item.size)}
                      value={Math.min(item.loaded, item.size)}
                      aria-label={t("files.uploadingName", { name: item.name })}
                    />
                  </Match>
                  <Match when={item.state === "held"}>
                    <span class="upload-note">{t("files.held")}</span>
                  </Match>
                  <Match when={item.state === "failed"}>
                    <span class="upload-error" role="alert">
                      {item.error ? uploadErrorText(item.error, t) : ""}
                    </span>
                  </Match>
                </Switch>
                <button
                  type="button"
                  class="icon-button upload-remove"
                  aria-label={t(item.state === "uploading" ? "files.cancelUploadOf" : "files.removeName", {
                    name: item.name,
                  })}
                  title={item.state === "uploading" ? t("files.cancelUpload") : t("files.remove")}
                  onClick={() => props.onRemove(item.key)}
                >
                  <CloseIcon />
                </button>
              </li>
            )}
          </For>
        </ul>
        <Show when={props.waiting}>
          <p class="upload-waiting" role="status">
            {t("files.waiting")}
          </p>
        </Show>
      </div>
    </Show>
  );
}
