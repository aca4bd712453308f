// JSON logs (pino). Secrets and tickets never reach a log line: known keys are redacted here,
// and callers log ids, not credentials.
import { pino, type Logger } from 'pino';

export type { Logger };

export const redactPaths = [
  'password',
  'secret',
  'token',
  'ticket',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.ticket',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-pvebridge-signature"]',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'pvebridge' }, redact: { paths: redactPaths, censor: '[redacted]' } }, destination);
}

/** A logger for tests and library callers that did not pass one. */
export const silentLogger: Logger = pino({ level: 'silent' });
