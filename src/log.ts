/** Structured logging (pino). Secrets are redacted by path; callers never log full PII. */
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = ['secret', 'token', 'accessToken', 'access_token', 'password', 'aesKey', 'clientSecret', 'sessionWebhook', 'webhookKey'];

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { app: 'gridbot' },
    redact: {
      // Top level and one level down: `{ token }` and `{ app: { token } }` alike.
      paths: [...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), 'headers.authorization', '*.headers.authorization'],
      censor: '***',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger for tests and tools that should stay quiet unless LOG_LEVEL says otherwise. */
export const silentLogger: Logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
