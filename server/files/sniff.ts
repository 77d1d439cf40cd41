/**
 * What a file is, from its bytes only (file-type reads its magic numbers):
 * never the client's claim or the name's extension. Only types a browser shows
 * without running anything are served inline; everything else (HTML, SVG, XML,
 * scripts, anything unknown) is a download of application/octet-stream.
 */
import { fileTypeFromBlob } from "file-type";

export const OCTET_STREAM = "application/octet-stream";

/** The type the bytes say, or application/octet-stream when they say nothing file-type knows. */
export async function sniffType(file: Blob): Promise<string> {
  return (await fileTypeFromBlob(file))?.mime ?? OCTET_STREAM;
}

/** Raster images (JPEG, PNG, WebP, GIF): read, cleaned and thumbnailed at upload (./images.ts). */
export const PROCESSED_IMAGES = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);

/**
 * Shown in the page rather than downloaded: images (never SVG, which can carry
 * script), audio, video and PDF. The rest is served as a download.
 */
export function isInline(type: string): boolean {
  if (type === "image/svg+xml") return false;
  return (
    type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/") || type === "application/pdf"
  );
}
