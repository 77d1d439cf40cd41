/**
 * Every refusal a person can meet in the rooms, the log and the account pages
 * names its reason, so a reader of Spanish never gets the API's English nor a
 * vaguer sentence: provoked against a real server, worded by errorText in both
 * languages, while the English message stays what scripts read.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../../server/trpc/router.ts";
import { ERROR_REASONS } from "../../shared/error-reasons.ts";
import { errorText } from "../../shared/i18n/error-text.ts";
import { createTranslator } from "../../shared/i18n/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { TEST_LIMITS } from "../support/test-limits.ts";

const es = createTranslator(() => "es");
const en = createTranslator(() => "en");
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ ...TEST_LIMITS, MAX_MEMBERS_PER_ROOM: "2", PRIVATE_ROOMS_PER_DAY: "1" });
});
afterAll(() => server.stop());

/** The refusal a call ends in (it must be refused), with what it says to each reader. */
async function refused(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a refusal, got ${String(error)}`);
  const refusal = error as TRPCClientError<AppRouter>;
  return {
    code: refusal.data?.code,
    reason: refusal.data && "reason" in refusal.data ? refusal.data.reason : undefined,
    es: errorText(refusal, es),
    en: errorText(refusal, en),
  };
}

describe("refusals name their reason", () => {
  test("rooms: who is (not) there, who may come in, who owns it", async () => {
    const [ann, ben, cat] = [await server.signUp(), await server.signUp(), await server.signUp()];
    await ann.client.room.create.mutate({ room: "reasons-open", visibility: "public" });
    await ann.client.room.create.mutate({ room: "reasons-closed", visibility: "private" });

    expect(await refused(ann.client.room.create.mutate({ room: "reasons-open", visibility: "public" }))).toEqual({
      code: "CONFLICT",
      reason: "roomTaken",
      es: "Ya existe una sala llamada «reasons-open».",
      en: "There is already a room called “reasons-open”.",
    });
    expect(await refused(ann.client.room.create.mutate({ room: "reasons-more", visibility: "private" }))).toMatchObject(
      {
        reason: "privateRoomsPerDay",
        es: "Como mucho 1 sala privada al día: inténtalo de nuevo mañana.",
      },
    );
    expect(await refused(ben.client.room.join.mutate({ room: "reasons-closed" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "roomNotFound",
    });
    expect(await refused(ben.client.room.leave.mutate({ room: "reasons-open" }))).toMatchObject({
      reason: "notAMember",
      es: "No eres miembro de «reasons-open».",
    });
    expect(
      await refused(ann.client.room.invite.mutate({ room: "reasons-open", username: ben.username })),
    ).toMatchObject({
      reason: "publicNoInvite",
      es: "Cualquiera puede unirse a una sala pública: no hace falta invitar.",
    });
    expect(
      await refused(ann.client.room.invite.mutate({ room: "reasons-closed", username: "nobody_at_all" })),
    ).toMatchObject({ code: "NOT_FOUND", reason: "noSuchUser", es: "No hay nadie que se llame «nobody_at_all»." });
    expect(await refused(ann.client.room.kick.mutate({ room: "reasons-open", username: ben.username }))).toMatchObject({
      reason: "theyAreNotMember",
      es: `${ben.username} no es miembro de esta sala.`,
    });
    expect(
      await refused(ann.client.room.setRole.mutate({ room: "reasons-open", username: ann.username, role: "member" })),
    ).toMatchObject({ reason: "ownerRoleFixed", es: "El rol del propietario no cambia." });

    await ben.client.room.join.mutate({ room: "reasons-open" });
    expect(await refused(cat.client.room.join.mutate({ room: "reasons-open" }))).toMatchObject({
      reason: "roomFull",
      es: "Esta sala está llena (2 miembros).",
      en: "This room is full (2 members).",
    });
    // A first message in a full public room joins too: refused for the same reason.
    expect(await refused(cat.client.room.send.mutate({ room: "reasons-open", text: "hi" }))).toMatchObject({
      reason: "roomFull",
    });

    await ann.client.room.invite.mutate({ room: "reasons-closed", username: cat.username });
    await ann.client.room.ban.mutate({ room: "reasons-closed", username: cat.username });
    expect(
      await refused(ann.client.room.invite.mutate({ room: "reasons-closed", username: cat.username })),
    ).toMatchObject({
      reason: "unbanFirst",
      es: `${cat.username} tiene prohibida la entrada a esta sala: levanta antes la prohibición.`,
    });
  });

  test("messages: gone, deleted, unanswerable, too many emoji", async () => {
    const ann = await server.signUp();
    const room = "reasons-log";
    const first = await ann.client.room.send.mutate({ room, text: "first" });
    await ann.client.room.delete.mutate({ room, seq: first.seq });

    expect(await refused(ann.client.room.edit.mutate({ room, seq: 999, text: "x" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "noSuchMessage",
      es: "Ese mensaje no existe.",
    });
    expect(await refused(ann.client.room.edit.mutate({ room, seq: first.seq, text: "x" }))).toMatchObject({
      reason: "messageDeleted",
      es: "Este mensaje se eliminó.",
    });
    expect(await refused(ann.client.room.react.mutate({ room, seq: first.seq, emoji: "👍", add: true }))).toMatchObject(
      { reason: "messageDeleted" },
    );
    expect(await refused(ann.client.room.send.mutate({ room, text: "re", replyTo: first.seq }))).toMatchObject({
      reason: "replyGone",
      es: "El mensaje al que respondes ya no admite respuestas.",
    });

    const second = await ann.client.room.send.mutate({ room, text: "second" });
    const emoji = [..."😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗"];
    for (const e of emoji) await ann.client.room.react.mutate({ room, seq: second.seq, emoji: e, add: true });
    expect(
      await refused(ann.client.room.react.mutate({ room, seq: second.seq, emoji: "🤩", add: true })),
    ).toMatchObject({
      reason: "reactionsLimit",
      es: `Un mensaje admite como mucho ${emoji.length} emojis distintos.`,
      en: `A message takes at most ${emoji.length} different emoji.`,
    });
  });

  test("accounts: a session that has ended, a profile nobody has", async () => {
    const ann = await server.signUp();
    expect(await refused(ann.client.auth.endSession.mutate({ id: "0123456789abcdef" }))).toMatchObject({
      code: "NOT_FOUND",
      reason: "sessionGone",
      es: "Esa sesión ya terminó.",
    });
    expect(await refused(ann.client.user.profile.query({ username: "nobody_here" }))).toMatchObject({
      reason: "noSuchUser",
      en: "Nobody is called “nobody_here”.",
    });
  });

  test("every reason has words of its own in both catalogs, its params filled in", () => {
    for (const reason of ERROR_REASONS) {
      const error = { message: "", data: { code: "BAD_REQUEST", reason, params: { room: "r", user: "u", count: 2 } } };
      for (const t of [es, en]) {
        const words = errorText(error, t);
        expect(words).not.toContain("{{");
        expect(words).not.toBe(t("errors.badInput"));
      }
    }
  });
});
