/**
 * Files for the upload tests, made in the test: images with and without
 * metadata, a decompression bomb, and an upload through the real client.
 */

import type { ParlorClient } from "@parlor/client";
import sharp from "sharp";

/** Uploads `bytes` as `name` through `attachment.upload` (FormData, field `file`), as the browser and scripts do. */
export function upload(client: ParlorClient, bytes: Uint8Array | string, name: string) {
  const form = new FormData();
  form.append("file", new File([bytes as BlobPart], name));
  return client.attachment.upload.mutate(form);
}

/** A small PNG. */
export const png = (width = 40, height = 30) =>
  sharp({ create: { width, height, channels: 3, background: "teal" } })
    .png()
    .toBuffer();

/** The string a JPEG's EXIF carries for its author, to look for in what is served. */
export const EXIF_AUTHOR = "Ann Author-3141";
export const EXIF_SERIAL = "SN-27182818";

/**
 * A JPEG 64 × 32 as stored in the file (shown 32 × 64: orientation 6 turns it a
 * quarter) with EXIF naming an author, a camera serial and a GPS position.
 */
export function jpegWithGps() {
  return sharp({ create: { width: 64, height: 32, channels: 3, background: "red" } })
    .jpeg()
    .withExif({
      IFD0: { Artist: EXIF_AUTHOR, Copyright: EXIF_AUTHOR },
      IFD2: { BodySerialNumber: EXIF_SERIAL },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "48/1 51/1 2400/100",
        GPSLongitudeRef: "E",
        GPSLongitude: "2/1 21/1 300/100",
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** Whether an EXIF block holds a GPS directory (tag 0x8825, either byte order). */
export function hasGpsTag(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  return exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, "latin1");
  Buffer.from(data).copy(chunk, 8);
  chunk.writeUInt32BE(Bun.hash.crc32(chunk.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return chunk;
}

/** A PNG of a few hundred bytes whose header declares `side` × `side` pixels (20,000: 1.2 GB decoded). */
export function pngBomb(side = 20_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([
    signature,
    pngChunk("IHDR", header),
    pngChunk("IDAT", Bun.deflateSync(new Uint8Array(1000))),
    pngChunk("IEND", new Uint8Array()),
  ]);
}
