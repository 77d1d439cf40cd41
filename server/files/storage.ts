/**
 * Where an upload's bytes live, behind one small interface: a local directory
 * (./local-storage.ts, the default) or a bucket of an S3-compatible store
 * (./s3-storage.ts). Keys are made by the upload service (letters, digits, '.',
 * '_', '-'), never taken from a client.
 */
export interface Storage {
  /** Stores `data` under `key`, replacing nothing (keys are new). */
  write(key: string, data: Blob | Uint8Array): Promise<void>;
  /**
   * Bytes `start` to `end` (exclusive) of `key`, or all of them, as a body a
   * Response can stream: nothing is read into memory whole.
   */
  read(key: string, range?: { start: number; end: number }): Blob;
  /** Removes `key`; a key already gone is not an error. */
  delete(key: string): Promise<void>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Refuses a key that could name anything but a file of ours (a path, `..`). */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.includes("..")) throw new Error(`Not a storage key: ${JSON.stringify(key)}`);
  return key;
}
