/**
 * Files in a local directory (`UPLOADS_DIR`, default data/uploads/), created
 * on first use, spread over 256 subdirectories by the key's first two
 * characters so no directory grows huge. Bun.file() slices are read lazily,
 * so a Range request reads only its range.
 */
import { mkdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { checkKey, type Storage } from "./storage.ts";

export function createLocalStorage(dir: string): Storage {
  const root = resolve(dir);
  const pathOf = (key: string) => join(root, checkKey(key).slice(0, 2), key);

  return {
    async write(key, data) {
      const path = pathOf(key);
      await mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
      await Bun.write(path, data);
    },
    read(key, range) {
      const file = Bun.file(pathOf(key));
      return range ? file.slice(range.start, range.end) : file;
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
