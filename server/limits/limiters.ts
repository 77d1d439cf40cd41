/**
 * Every rate limit the procedures apply, built once per app from the config:
 * in this process, or in Redis (shared by every process of the deployment).
 */
import type Redis from "ioredis";
import type { Limits } from "../config.ts";
import { PROFILE_LIMIT, TYPING_LIMIT } from "./defaults.ts";
import { createRateLimiter, type RateLimit, type RateLimiter } from "./rate-limiter.ts";

export interface Limiters {
  /** Messages per user. */
  send: RateLimiter;
  /** Typing signals per user. */
  typing: RateLimiter;
  /** Profile changes per user (each reaches everyone watching them). */
  profile: RateLimiter;
  /** Sign-in attempts per address (key: addressKey). */
  loginPerIp: RateLimiter;
  /** Sign-in attempts per (username, address): guessing one account slows that address only. */
  loginPerUsernameIp: RateLimiter;
  /** Sign-ups per address. */
  registerPerIp: RateLimiter;
  /** Invitations per user. */
  invite: RateLimiter;
  /** room.create per user. */
  roomCreate: RateLimiter;
  /** Searches per signed-in user (key: user id), or per guest address (key: "guest:" + addressKey). */
  search: RateLimiter;
  /** Searches per address, whoever asks (many accounts behind one address share it). */
  searchPerIp: RateLimiter;
}

export function createLimiters(limits: Limits, store: { redis?: Redis; prefix: string }): Limiters {
  const limiter = (name: string, limit: RateLimit) =>
    createRateLimiter(limit, { redis: store.redis, keyPrefix: `${store.prefix}rl:${name}` });
  return {
    send: limiter("send", limits.send),
    typing: limiter("typing", TYPING_LIMIT),
    profile: limiter("profile", PROFILE_LIMIT),
    loginPerIp: limiter("login-ip", limits.loginPerIp),
    loginPerUsernameIp: limiter("login-user-ip", limits.loginPerUsernameIp),
    registerPerIp: limiter("register-ip", limits.registerPerIp),
    invite: limiter("invite", limits.invites),
    roomCreate: limiter("room-create", limits.roomCreate),
    search: limiter("search", limits.search),
    searchPerIp: limiter("search-ip", limits.searchPerIp),
  };
}
