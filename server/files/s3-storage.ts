/**
 * Files in a bucket of an S3-compatible store (AWS S3, MinIO, R2, …), through
 * Bun's built-in S3 client. Large bodies go up in parts; reads are streamed,
 * a Range request fetching only its range.
 */
import { S3Client } from "bun";
import type { StorageConfig } from "../config.ts";
import { checkKey, type Storage } from "./storage.ts";

export function createS3Storage(config: Extract<StorageConfig, { kind: "s3" }>): Storage {
  const client = new S3Client({
    bucket: config.bucket,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
    ...(config.accessKeyId ? { accessKeyId: config.accessKeyId } : {}),
    ...(config.secretAccessKey ? { secretAccessKey: config.secretAccessKey } : {}),
  });
  const keyOf = (key: string) => `${config.prefix}${checkKey(key)}`;

  return {
    async write(key, data) {
      await client.write(keyOf(key), data);
    },
    read(key, range) {
      const file = client.file(keyOf(key));
      return range ? file.slice(range.start, range.end) : file;
    },
    async delete(key) {
      await client.delete(keyOf(key));
    },
  };
}
