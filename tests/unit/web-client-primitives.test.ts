import { describe, expect, test } from "bun:test";
import { nextConnectionStatus } from "../../client/app/lib/connection-status.ts";
import { checkRoomName, roomPath } from "../../client/app/lib/room-name.ts";
import { isNearBottom, isNearTop } from "../../client/app/lib/scroll-follower.ts";
import { unreadTitle } from "../../client/app/lib/unread-title.ts";
import { english } from "../../shared/i18n/index.ts";

describe("nextConnectionStatus", () => {
  const connecting = { type: "state", state: "connecting", error: null } as const;
  const dropped = { type: "state", state: "connecting", error: new Error("closed") } as const;
  const pending = { type: "state", state: "pending", error: null } as const;

  test("is 'connecting' until the subscription starts, even across failed first attempts", () => {
    expect(nextConnectionStatus("connecting", connecting)).toBe("connecting");
    expect(nextConnectionStatus("connecting", dropped)).toBe("connecting");
    expect(nextConnectionStatus("connecting", pending)).toBe("connecting");
    expect(nextConnectionStatus("connecting", { type: "started" })).toBe("live");
  });

  test("a drop after being live is 'reconnecting' until the next start", () => {
    let status = nextConnectionStatus("live", dropped);
    expect(status).toBe("reconnecting");
    status = nextConnectionStatus(status, pending); // the socket is back, the subscription not yet
    expect(status).toBe("reconnecting");
    expect(nextConnectionStatus(status, { type: "started" })).toBe("live");
  });

  test("stopped is closed", () => {
    expect(nextConnectionStatus("live", { type: "stopped" })).toBe("closed");
  });
});

describe("checkRoomName", () => {
  test("accepts a valid name, trimming what surrounds it", () => {
    expect(checkRoomName(english, "  lobby-1 ")).toEqual({ ok: true, name: "lobby-1" });
  });

  test("explains why a name is refused, in the schema's words", () => {
    expect(checkRoomName(english, "")).toEqual({ ok: false, error: "A room name cannot be empty." });
    expect(checkRoomName(english, "a b")).toEqual({
      ok: false,
      error: "A room name may contain only letters, digits, '-', '_' and '.'.",
    });
    expect(checkRoomName(english, "a..b")).toEqual({ ok: false, error: "A room name cannot contain '..'." });
  });

  test("room paths end with a slash", () => {
    expect(roomPath("lobby")).toBe("/room/lobby/");
  });
});

describe("scroll positions", () => {
  test("near the bottom within the threshold, near the top likewise", () => {
    expect(isNearBottom({ scrollTop: 560, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isNearBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
    expect(isNearTop({ scrollTop: 100, scrollHeight: 1000, clientHeight: 400 })).toBe(true);
    expect(isNearTop({ scrollTop: 400, scrollHeight: 1000, clientHeight: 400 })).toBe(false);
  });
});

describe("unreadTitle", () => {
  test("prefixes the count only when there is something unread", () => {
    expect(unreadTitle("#lobby · Parlor", 0)).toBe("#lobby · Parlor");
    expect(unreadTitle("#lobby · Parlor", 3)).toBe("(3) #lobby · Parlor");
  });
});
