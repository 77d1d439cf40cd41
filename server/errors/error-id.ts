/**
 * Our own failures (a bug, a database or Redis that fails) are answered with a
 * generic message and an id, never with their text: messages of internal errors
 * carry SQL, file paths, hosts. The server logs the real error under the same
 * id, so a user's report ("Internal error (id 3f2a9c01b7e4)") finds it.
 */

const ERROR_ID = Symbol("parlor.errorId");

type WithId = { [ERROR_ID]?: string };

/** The error's id: made on first use, the same for every later caller (formatter and logger alike). */
export function errorIdOf(error: object): string {
  const tagged = error as WithId;
  tagged[ERROR_ID] ??= crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  return tagged[ERROR_ID];
}

/** What a client is told of an internal error. */
export function internalErrorMessage(error: object): string {
  return `Internal error (id ${errorIdOf(error)})`;
}
