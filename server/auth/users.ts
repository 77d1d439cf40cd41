/** All SQL about users. Passwords go through a PasswordHasher (Argon2id). */
import type { Db } from "../../db/index.ts";
import type { Credentials, User } from "../../shared/schemas.ts";
import { UsernameTakenError } from "../errors/domain-errors.ts";
import { createPasswordHasher, type PasswordHasher } from "./passwords.ts";

const unbounded = createPasswordHasher();

/** Verified when the username is unknown, so a miss takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

export async function createUser(
  db: Db,
  { username, password }: Credentials,
  hasher: PasswordHasher = unbounded,
): Promise<User> {
  const password_hash = await hasher.hash(password);
  const row = await db
    .insertInto("user")
    .values({ username, password_hash, created_at: new Date().toISOString() })
    // Unique regardless of case (an index on lower(username)): any conflict means taken.
    .onConflict((oc) => oc.doNothing())
    .returning(["id", "username"])
    .executeTakeFirst();
  if (!row) throw new UsernameTakenError(username);
  return { id: Number(row.id), username: row.username };
}

/** The user whose password this is, or null; never says which half was wrong. */
export async function verifyCredentials(
  db: Db,
  { username, password }: Credentials,
  hasher: PasswordHasher = unbounded,
): Promise<User | null> {
  const row = await db
    .selectFrom("user")
    .select(["id", "username", "password_hash"])
    .where("username", "=", username)
    .executeTakeFirst();
  if (!row) {
    decoyHash ??= unbounded.hash("decoy password that matches nothing");
    await hasher.verify(password, await decoyHash);
    return null;
  }
  return (await hasher.verify(password, row.password_hash)) ? { id: Number(row.id), username: row.username } : null;
}

/** Sets a new password if `currentPassword` is the user's: true when it was. */
export async function changePassword(
  db: Db,
  userId: number,
  { currentPassword, newPassword }: { currentPassword: string; newPassword: string },
  hasher: PasswordHasher = unbounded,
): Promise<boolean> {
  const row = await db.selectFrom("user").select("password_hash").where("id", "=", userId).executeTakeFirst();
  if (!row || !(await hasher.verify(currentPassword, row.password_hash))) return false;
  const password_hash = await hasher.hash(newPassword);
  await db.updateTable("user").set({ password_hash }).where("id", "=", userId).execute();
  return true;
}
