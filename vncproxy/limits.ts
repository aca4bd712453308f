// Every bound the proxy enforces, with defaults sized for a console (a few hundred KiB/s of
// RFB per viewer) rather than for bulk transfer.
export interface ProxyLimits {
  /** Largest WebSocket message accepted from a browser (noVNC sends small client messages). */
  maxPayload: number;
  /** From the upgrade request to a relaying session (ticket check, DNS, upstream dial). */
  handshakeMs: number;
  upstreamConnectMs: number;
  /** No byte either way for this long closes the session (noVNC keeps a live desktop busy). */
  idleMs: number;
  /** Absolute session lifetime. */
  maxSessionMs: number;
  maxSessions: number;
  maxSessionsPerService: number;
  /** Upgrades per client IP: a token bucket of `burst`, refilled at `perSecond`. */
  upgradeRate: { perSecond: number; burst: number };
  /** Bytes queued towards a slow side before the other side is paused. */
  highWaterMark: number;
  /** WebSocket ping interval: detects dead browsers behind NATs. */
  pingMs: number;
}

export const defaultLimits: ProxyLimits = {
  maxPayload: 1024 * 1024,
  handshakeMs: 5_000,
  upstreamConnectMs: 5_000,
  idleMs: 15 * 60_000,
  maxSessionMs: 8 * 3600_000,
  maxSessions: 2_000,
  maxSessionsPerService: 4,
  upgradeRate: { perSecond: 5, burst: 20 },
  highWaterMark: 1024 * 1024,
  pingMs: 25_000,
};
