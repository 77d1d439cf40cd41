import { For, Match, Show, Switch } from "solid-js";
import { formatFileSize } from "../lib/file-size.ts";
import type { UploadItem } from "../lib/uploads.ts";
import { CloseIcon } from "./icons.tsx";

/**
 * The composer's files (uploads.ts): each with its size and a progress bar
 * while it uploads, what went wrong when it failed, and a button to cancel the
 * upload or take the file off the message.
 */
export function UploadTray(props: { items: readonly UploadItem[]; waiting: boolean; onRemove: (key: number) => void }) {
  return (
    <Show when={props.items.length > 0}>
      <div class="upload-tray">
        <ul aria-label="Files to send">
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
                      aria-label={`Uploading ${item.name}`}
                    />
                  </Match>
                  <Match when={item.state === "held"}>
                    <span class="upload-note">Offline: uploads with the message when you are back online.</span>
                  </Match>
                  <Match when={item.state === "failed"}>
                    <span class="upload-error" role="alert">
                      {item.error?.message}
                    </span>
                  </Match>
                </Switch>
                <button
                  type="button"
                  class="icon-button upload-remove"
                  aria-label={item.state === "uploading" ? `Cancel upload of ${item.name}` : `Remove ${item.name}`}
                  title={item.state === "uploading" ? "Cancel upload" : "Remove"}
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
            Sending when the uploads finish…
          </p>
        </Show>
      </div>
    </Show>
  );
}
