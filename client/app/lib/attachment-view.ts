/**
 * How an attachment shows in the timeline: as an image (a thumbnail whose size
 * is known before it loads, so nothing below it jumps) or as a file card with
 * a kind of icon. Pure, for the components and their tests.
 */
import type { Attachment } from "../../../shared/schemas.ts";

/** The most a thumbnail takes in the timeline, in CSS pixels (the server's thumbnails are at most 480). */
export const THUMBNAIL_BOX = { width: 320, height: 240 };

/** An image the server measured and made a thumbnail of. */
export type ImageAttachment = Attachment & { width: number; height: number; thumbnailUrl: string };

export const isImage = (a: Attachment): a is ImageAttachment =>
  a.thumbnailUrl !== null && a.width !== null && a.height !== null && a.width > 0 && a.height > 0;

/** The size a thumbnail is shown at: the image's proportions, fitted in THUMBNAIL_BOX, never enlarged. */
export function thumbnailSize(width: number, height: number, box = THUMBNAIL_BOX): { width: number; height: number } {
  const scale = Math.min(1, box.width / width, box.height / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export type FileKind = "pdf" | "audio" | "video" | "archive" | "text" | "image" | "file";

/** The kind of icon for a (sniffed) type. */
export function fileKind(type: string): FileKind {
  const [major = "", minor = ""] = type.toLowerCase().split(";")[0]!.trim().split("/");
  if (minor === "pdf") return "pdf";
  if (major === "audio" || major === "video" || major === "image" || major === "text") return major;
  if (/zip|tar|gzip|x-7z|rar|bzip/.test(minor)) return "archive";
  return "file";
}

/** A message's images and its other files, each in the order given. */
export function splitAttachments(attachments: readonly Attachment[]): {
  images: ImageAttachment[];
  files: Attachment[];
} {
  const images: ImageAttachment[] = [];
  const files: Attachment[] = [];
  for (const a of attachments) (isImage(a) ? images : files).push(a as ImageAttachment);
  return { images, files };
}

/** Lightbox navigation: the next index within [0, count), staying at the ends. */
export const stepWithin = (index: number, delta: number, count: number) =>
  Math.min(count - 1, Math.max(0, index + delta));
