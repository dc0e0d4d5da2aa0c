/** Structured logging (pino). Secrets are redacted by path; callers never log full PII. */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { app: 'gridbot' },
    redact: {
      paths: ['*.secret', '*.token', '*.accessToken', '*.password', '*.aesKey', '*.clientSecret', 'headers.authorization'],
      censor: '***',
    },
  });
}

/** A logger for tests and tools that should stay quiet unless LOG_LEVEL says otherwise. */
export const silentLogger: Logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
