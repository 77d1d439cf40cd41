/** The file service as the configuration describes it: its storage (a directory, or S3) and its limits. */
import type { FilesConfig } from "../config.ts";
import { createFiles, type FilesOptions } from "./files.ts";
import { createLocalStorage } from "./local-storage.ts";
import { createS3Storage } from "./s3-storage.ts";
import type { Storage } from "./storage.ts";

export function storageFromConfig(config: FilesConfig["storage"]): Storage {
  return config.kind === "s3" ? createS3Storage(config) : createLocalStorage(config.dir);
}

export function createFilesFromConfig(config: FilesConfig, deps: Omit<FilesOptions, "storage" | "limits">) {
  return createFiles({ ...deps, storage: storageFromConfig(config.storage), limits: config });
}
