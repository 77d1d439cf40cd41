import { onMount } from "solid-js";
import { type ImageAttachment, stepWithin } from "../lib/attachment-view.ts";
import { useT } from "../lib/locale.ts";
import { CloseIcon } from "./icons.tsx";

/**
 * A message's images at full size, in a modal dialog named after the image:
 * ← and → move between them, Esc (or Close) closes it, and the page gives the
 * focus back to the thumbnail that opened it (onClose).
 */
export function Lightbox(props: {
  images: readonly ImageAttachment[];
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
}) {
  const t = useT();
  let dialog: HTMLDialogElement | undefined;
  const image = () => props.images[props.index]!;
  const count = () => props.images.length;
  const label = () =>
    count() > 1 ? t("files.imageOf", { name: image().name, index: props.index + 1, count: count() }) : image().name;
  onMount(() => dialog?.showModal());

  function onKeyDown(event: KeyboardEvent) {
    const delta = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (delta === 0) return;
    event.preventDefault();
    props.onIndex(stepWithin(props.index, delta, count()));
  }

  return (
    <dialog ref={dialog} class="lightbox" aria-label={label()} onKeyDown={onKeyDown} onClose={() => props.onClose()}>
      <figure>
        <img src={image().url} alt={image().name} width={image().width} height={image().height} />
        <figcaption>
          <span class="lightbox-name">{image().name}</span>
          {count() > 1 ? (
            <span class="lightbox-count">{` · ${t("files.position", { index: props.index + 1, count: count() })}`}</span>
          ) : null}
          <a href={image().url} download={image().name}>
            {t("files.download")}
          </a>
        </figcaption>
      </figure>
      <div class="lightbox-nav">
        <button
          type="button"
          disabled={props.index === 0}
          onClick={() => props.onIndex(stepWithin(props.index, -1, count()))}
          hidden={count() < 2}
        >
          {t("files.previous")}
        </button>
        <button
          type="button"
          disabled={props.index === count() - 1}
          onClick={() => props.onIndex(stepWithin(props.index, 1, count()))}
          hidden={count() < 2}
        >
          {t("files.next")}
        </button>
        <button
          type="button"
          class="icon-button lightbox-close"
          aria-label={t("files.close")}
          autofocus
          onClick={() => dialog?.close()}
        >
          <CloseIcon />
        </button>
      </div>
    </dialog>
  );
}
