/**
 * Images as they are stored and shown: the size is read from the header and a
 * decompression bomb refused before anything is decoded; orientation is
 * applied, then the image is written again without its metadata (EXIF GPS,
 * camera serials, author, comments: sharp keeps none unless asked), and a
 * thumbnail of at most 480 px a side is made. At most one image is decoded at
 * a time per process: a decoded image is up to MAX_IMAGE_PIXELS × 4 bytes.
 */
import sharp, { type Metadata } from "sharp";
import { InvalidRequestError } from "../errors/domain-errors.ts";
import { MAX_IMAGE_PIXELS, THUMBNAIL_MAX_PX } from "../limits/defaults.ts";
import { createSemaphore } from "../limits/semaphore.ts";

export interface ProcessedImage {
  /** The image as stored: oriented, without metadata, in its own format. */
  data: Uint8Array;
  width: number;
  height: number;
  /** WebP, at most THUMBNAIL_MAX_PX a side. */
  thumbnail: Uint8Array;
}

const decoding = createSemaphore(1);
const FORMATS = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" } as const;

/** Orientations 5 to 8 turn the image a quarter: its width and height swap. */
const turnsAQuarter = (orientation: number | undefined) => orientation !== undefined && orientation >= 5;

export async function processImage(
  bytes: Uint8Array,
  type: keyof typeof FORMATS,
  maxPixels = MAX_IMAGE_PIXELS,
): Promise<ProcessedImage> {
  const animated = type === "image/gif" || type === "image/webp";
  let meta: Metadata;
  try {
    // Reads the header only: nothing is decoded yet.
    meta = await sharp(bytes, { limitInputPixels: false, animated }).metadata();
  } catch {
    throw new InvalidRequestError("This file looks like an image but cannot be read as one.", {
      reason: "imageUnreadable",
    });
  }
  const frameHeight = meta.pageHeight ?? meta.height ?? 0;
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (!meta.width || !meta.height || pixels > maxPixels) {
    throw new InvalidRequestError(
      `Images are at most ${maxPixels.toLocaleString("en")} pixels (this one declares ${meta.width ?? 0} × ${meta.height ?? 0}).`,
      { reason: "imageTooManyPixels" },
    );
  }
  return decoding.run(async () => {
    try {
      const image = sharp(bytes, { limitInputPixels: maxPixels, animated }).rotate();
      const data = await image.clone().toFormat(FORMATS[type]).toBuffer();
      const thumbnail = await sharp(bytes, { limitInputPixels: maxPixels })
        .rotate()
        .resize({ width: THUMBNAIL_MAX_PX, height: THUMBNAIL_MAX_PX, fit: "inside", withoutEnlargement: true })
        .webp()
        .toBuffer();
      const quarter = turnsAQuarter(meta.orientation);
      return {
        data,
        thumbnail,
        width: quarter ? frameHeight : meta.width!,
        height: quarter ? meta.width! : frameHeight,
      };
    } catch {
      throw new InvalidRequestError("This image cannot be read: it is damaged or not what its first bytes say.", {
        reason: "imageUnreadable",
      });
    }
  });
}
