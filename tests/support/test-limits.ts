/**
 * Every test signs up and sends from one address, and some seed long
 * histories: the per-user and per-address rate limits are raised for the
 * Parlor processes tests start (and the browser suite's server), so that
 * seeding does not wait on them. The limits have their own tests, which set
 * their own values.
 */
export const TEST_LIMITS = {
  SEND_BURST: "10000",
  SEND_PER_SECOND: "10000",
  LOGIN_BURST_PER_IP: "10000",
  LOGIN_PER_MINUTE_PER_IP: "10000",
  REGISTER_BURST_PER_IP: "10000",
  REGISTER_PER_HOUR_PER_IP: "10000",
};
