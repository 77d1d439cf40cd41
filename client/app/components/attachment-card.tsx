import type { Attachment } from "../../../shared/schemas.ts";
import { fileKind } from "../lib/attachment-view.ts";
import { formatFileSize } from "../lib/file-size.ts";
import { useT } from "../lib/locale.ts";
import { FileTypeIcon } from "./icons.tsx";

/** A file that is not shown inline: its kind, name and size, and a link that downloads it. */
export function AttachmentCard(props: { attachment: Attachment }) {
  const t = useT();
  const a = () => props.attachment;
  return (
    <div class="attachment-card">
      <FileTypeIcon kind={fileKind(a().type)} />
      <span class="attachment-name">{a().name}</span>
      <span class="attachment-size">{formatFileSize(a().size)}</span>
      <a
        class="attachment-download"
        href={a().url}
        download={a().name}
        aria-label={t("files.downloadName", { name: a().name, size: formatFileSize(a().size) })}
      >
        {t("files.download")}
      </a>
    </div>
  );
}
