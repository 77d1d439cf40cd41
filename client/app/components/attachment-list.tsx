import { createMemo, createSignal, For, Show } from "solid-js";
import type { Attachment } from "../../../shared/schemas.ts";
import { splitAttachments, thumbnailSize } from "../lib/attachment-view.ts";
import { AttachmentCard } from "./attachment-card.tsx";
import { Lightbox } from "./lightbox.tsx";

/**
 * A message's files: images as thumbnails whose size is set before they load
 * (width and height from the server's measure, so the timeline does not jump),
 * opening the lightbox; every other file as a card with a download link.
 */
export function AttachmentList(props: { attachments: readonly Attachment[] }) {
  const split = createMemo(() => splitAttachments(props.attachments));
  const [open, setOpen] = createSignal<number | null>(null);
  const thumbs: HTMLAnchorElement[] = [];
  let openedFrom = 0;

  function show(index: number, event: MouseEvent) {
    // A modified click keeps the link's own meaning (a new tab, a download).
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    openedFrom = index;
    setOpen(index);
  }

  return (
    <div class="attachments">
      <Show when={split().images.length > 0}>
        <div class="attachment-images">
          <For each={split().images}>
            {(image, i) => {
              const size = thumbnailSize(image.width, image.height);
              return (
                <a
                  ref={(el) => (thumbs[i()] = el)}
                  class="attachment-thumb"
                  href={image.url}
                  onClick={(e) => show(i(), e)}
                  aria-haspopup="dialog"
                >
                  <img
                    src={image.thumbnailUrl}
                    alt={image.name}
                    width={size.width}
                    height={size.height}
                    loading="lazy"
                    decoding="async"
                  />
                </a>
              );
            }}
          </For>
        </div>
      </Show>
      <For each={split().files}>{(file) => <AttachmentCard attachment={file} />}</For>
      <Show when={open() !== null}>
        <Lightbox
          images={split().images}
          index={open() ?? 0}
          onIndex={setOpen}
          onClose={() => {
            setOpen(null);
            thumbs[openedFrom]?.focus();
          }}
        />
      </Show>
    </div>
  );
}
