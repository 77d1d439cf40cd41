/** All SQL about users, and password hashing (Argon2id through Bun.password). */
import type { Db } from "../../db/index.ts";
import type { Credentials, User } from "../../shared/schemas.ts";

export class UsernameTakenError extends Error {
  override name = "UsernameTakenError";
  constructor(readonly username: string) {
    super(`The username '${username}' is taken.`);
  }
}

const hashPassword = (password: string) => Bun.password.hash(password, { algorithm: "argon2id" });

/** Verified when the username is unknown, so a miss takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;

export async function createUser(db: Db, { username, password }: Credentials): Promise<User> {
  const password_hash = await hashPassword(password);
  const row = await db
    .insertInto("user")
    .values({ username, password_hash, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("username").doNothing())
    .returning(["id", "username"])
    .executeTakeFirst();
  if (!row) throw new UsernameTakenError(username);
  return { id: Number(row.id), username: row.username };
}

/** The user whose password this is, or null; never says which half was wrong. */
export async function verifyCredentials(db: Db, { username, password }: Credentials): Promise<User | null> {
  const row = await db.selectFrom("user").select(["id", "username", "password_hash"]).where("username", "=", username).executeTakeFirst();
  if (!row) {
    decoyHash ??= hashPassword("decoy password that matches nothing");
    await Bun.password.verify(password, await decoyHash);
    return null;
  }
  return (await Bun.password.verify(password, row.password_hash)) ? { id: Number(row.id), username: row.username } : null;
}
