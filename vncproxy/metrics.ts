// Prometheus metrics of one proxy process (scraped at /metrics from trusted networks).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createProxyMetrics(register = new Registry(), defaults = false) {
  if (defaults) collectDefaultMetrics({ register, prefix: 'pvebridge_vnc_' });
  return {
    register,
    active: new Gauge({ name: 'pvebridge_vnc_sessions_active', help: 'Console sessions relaying now', registers: [register] }),
    sessions: new Counter({
      name: 'pvebridge_vnc_sessions_total',
      help: 'Console sessions ended, by close reason',
      labelNames: ['reason'],
      registers: [register],
    }),
    refusals: new Counter({
      name: 'pvebridge_vnc_upgrade_refusals_total',
      help: 'Upgrade requests refused before any WebSocket existed, by reason',
      labelNames: ['reason'],
      registers: [register],
    }),
    bytes: new Counter({
      name: 'pvebridge_vnc_bytes_total',
      help: 'Bytes relayed (up = browser to VM, down = VM to browser)',
      labelNames: ['direction'],
      registers: [register],
    }),
    setupSeconds: new Histogram({
      name: 'pvebridge_vnc_setup_seconds',
      help: 'Upgrade request to relaying (ticket check, allowlist, upstream dial)',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [register],
    }),
    durationSeconds: new Histogram({
      name: 'pvebridge_vnc_session_seconds',
      help: 'Console session duration',
      buckets: [1, 10, 60, 300, 1800, 3600, 14400],
      registers: [register],
    }),
  };
}

export type ProxyMetrics = ReturnType<typeof createProxyMetrics>;
