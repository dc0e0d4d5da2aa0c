/**
 * The whole configuration (DESIGN §7), read from the environment and validated once at start.
 * A wrong value stops the start with one line naming the variable.
 */
import { z } from 'zod';

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const httpUrl = (fallback: string) =>
  z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(fallback));

export const CHANNELS = ['sandbox', 'dingtalk', 'wecom', 'wechaty'] as const;
export type ChannelName = (typeof CHANNELS)[number];

const databaseUrl = z
  .preprocess(emptyToUndefined, z.string().default('sqlite:data/gridbot.sqlite'))
  .refine((v) => /^sqlite:.+/.test(v) || /^mysql:\/\/[^/]+\/[^/?]+/.test(v), {
    message: 'must be sqlite:PATH or mysql://user:pass@host:port/db',
  });

const bootstrapAdmins = z.preprocess(emptyToUndefined, z.string().default('')).transform((raw, ctx) => {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const parsed: { channel: ChannelName; platformUserId: string }[] = [];
  for (const entry of entries) {
    const i = entry.indexOf(':');
    const channel = entry.slice(0, i) as ChannelName;
    const platformUserId = entry.slice(i + 1);
    if (i <= 0 || !CHANNELS.includes(channel) || !platformUserId) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not channel:platformUserId (channels: ${CHANNELS.join(', ')})` });
      return z.NEVER;
    }
    parsed.push({ channel, platformUserId });
  }
  return parsed;
});

const timezone = z.preprocess(emptyToUndefined, z.string().default('Asia/Shanghai')).refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone such as Asia/Shanghai' },
);

const port = z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000));

/** A base64 key of exactly 32 bytes (AES-256). */
const piiKey = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, { message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' })
    .optional(),
);

/** Where Redis is: one server, a cluster, or a master named by sentinels. */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean }
  | { kind: 'sentinel'; sentinels: { host: string; port: number }[]; name: string; db: number; username?: string; password?: string; tls: boolean };

const REDIS_URL_FORMS = 'must be redis://host:port[/db], redis+cluster://host:port[,host:port…] or redis+sentinel://host:port[,host:port…]/masterName[/db]';

/** The forms of REDIS_URL; null when the value is none of them. */
export function parseRedisUrl(raw: string): RedisTarget | null {
  if (/^rediss?:\/\/.+/.test(raw)) return { kind: 'single', url: raw };
  const m = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/@]+)(?:\/(.*))?$/.exec(raw);
  if (!m) return null;
  const [, scheme, kind, user, pass, hostList, path = ''] = m;
  const hosts: { host: string; port: number }[] = [];
  for (const entry of hostList.split(',')) {
    const hm = /^([A-Za-z0-9_.-]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(entry.trim());
    if (!hm) return null;
    const port = Number(hm[2] ?? (kind === 'sentinel' ? 26379 : 6379));
    if (port < 1 || port > 65535) return null;
    hosts.push({ host: hm[1].replace(/^\[|\]$/g, ''), port });
  }
  const auth = { username: user ? decodeURIComponent(user) : undefined, password: pass !== undefined ? decodeURIComponent(pass) : undefined, tls: scheme === 'rediss' };
  if (kind === 'cluster') return path.replace(/\/$/, '') === '' ? { kind: 'cluster', nodes: hosts, ...auth } : null;
  const pm = /^([A-Za-z0-9_.-]+)(?:\/(\d{1,2}))?\/?$/.exec(path);
  if (!pm) return null;
  return { kind: 'sentinel', sentinels: hosts, name: pm[1], db: Number(pm[2] ?? 0), ...auth };
}

const sendRate = (fallback: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10_000).default(fallback));

const PROCESS_ROLES = ['receiver', 'worker', 'scheduler'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export const envSchema = z
  .object({
    NODE_ENV: optionalString,
    PORT: port,
    DATABASE_URL: databaseUrl,
    /** A read replica of DATABASE_URL (MySQL/MariaDB) for the console's pages; empty: everything reads the primary. */
    DATABASE_READ_URL: z.preprocess(emptyToUndefined, z.string().regex(/^mysql:\/\/[^/]+\/[^/?]+/, 'must be mysql://user:pass@host:port/db (a replica of DATABASE_URL)').optional()),
    /**
     * One Redis (`redis://` or `rediss://`), a Redis Cluster (`redis+cluster://h1:p1,h2:p2`) or a
     * master found through Redis Sentinel (`redis+sentinel://s1:26379,s2:26379/mymaster[/db]`).
     */
    REDIS_URL: z
      .preprocess(emptyToUndefined, z.string().default('redis://127.0.0.1:6379'))
      .refine((v) => parseRedisUrl(v) !== null, { message: REDIS_URL_FORMS }),
    /** Password of the sentinels themselves (Sentinel's requirepass), when they have one. */
    REDIS_SENTINEL_PASSWORD: optionalString,
    TIMEZONE: timezone,
    BOOTSTRAP_ADMINS: bootstrapAdmins,
    ADMIN_TOKEN: optionalString,
    SANDBOX_ENABLED: z.preprocess(emptyToUndefined, z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional()),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    /** Which parts this process runs; several processes may share one database and Redis. */
    GRIDBOT_ROLES: z
      .preprocess(emptyToUndefined, z.string().default('receiver,worker,scheduler'))
      .transform((v) => (v === 'all' ? 'receiver,worker,scheduler' : v))
      .pipe(z.string().transform((v) => v.split(',').map((s) => s.trim())).pipe(z.array(z.enum(PROCESS_ROLES)).min(1))),
    /** Prefix of every BullMQ key; two deployments on one Redis need different ones. */
    QUEUE_PREFIX: z.preprocess(emptyToUndefined, z.string().regex(/^[A-Za-z0-9_-]+$/).default('gridbot')),
    /**
     * How long a worker holds a job before another process may take it over after a crash
     * (BullMQ lockDuration; the stalled check runs at the same interval).
     */
    JOB_LOCK_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1000).max(600_000).default(30_000)),
    /** Public base address of this server, for download links (ledgers, charts). */
    PUBLIC_URL: optionalString,
    /** A JSON file of text overrides for the zh-CN catalogue. */
    TEXTS_FILE: optionalString,
    /** Key of residents' personal data at rest (AES-256-GCM and the lookup HMAC). */
    PII_KEY: piiKey,
    /** The key before the last rotation: still read until `npm run pii:rotate` has re-encrypted everything. */
    PII_KEY_PREVIOUS: piiKey,
    DINGTALK_CLIENT_ID: optionalString,
    DINGTALK_CLIENT_SECRET: optionalString,
    DINGTALK_ROBOT_CODE: optionalString,
    DINGTALK_API_BASE: httpUrl('https://api.dingtalk.com'),
    DINGTALK_OAPI_BASE: httpUrl('https://oapi.dingtalk.com'),
    DINGTALK_GATEWAY_URL: httpUrl('https://api.dingtalk.com/v1.0/gateway/connections/open'),
    DINGTALK_CARD_TEMPLATE_ID: optionalString,
    DINGTALK_QPS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(20)),
    /**
     * Messages per second each channel's senders may send, across all processes (BullMQ's queue
     * limiter). WeCom: 150,000 calls an hour per API per corp (about 41/s); WeChat restricts
     * accounts that post fast, so Wechaty stays at 1/s; the sandbox is a local store, 0 = no limit.
     */
    /**
     * Messages waiting in the inbound queue beyond which the sandbox API (and other receivers that
     * may refuse) answer 429 with Retry-After; 0 = never refuse. Keep it above about two seconds of
     * handling: Retry-After is whole seconds, so a smaller bound leaves the bot idle while the
     * refused wait (docs/decisions.md, "Issue 20, eighth pass").
     */
    INBOUND_BACKLOG_LIMIT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(2000)),
    /**
     * Mean event-loop delay (ms) of a receiving process beyond which the same receivers refuse
     * with 429: receiving must not take the time handling needs. 0 = never refuse for it.
     */
    INBOUND_MAX_LAG_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(100)),
    /**
     * Scales every wait between intake callback attempts (10 s growing to 1 h); tests run the real
     * ladder in milliseconds with 0.001. 1 in production.
     */
    INTAKE_CALLBACK_TIME_SCALE: z.preprocess(emptyToUndefined, z.coerce.number().min(0.0001).max(1).default(1)),
    WECOM_SEND_RATE: sendRate(40),
    WECHATY_SEND_RATE: sendRate(1),
    SANDBOX_SEND_RATE: sendRate(0),
    WECOM_CORP_ID: optionalString,
    WECOM_AGENT_ID: optionalString,
    WECOM_SECRET: optionalString,
    WECOM_TOKEN: optionalString,
    WECOM_AES_KEY: z.preprocess(emptyToUndefined, z.string().length(43, 'must be the 43-character EncodingAESKey').optional()),
    WECOM_BOT_TOKEN: optionalString,
    WECOM_BOT_AES_KEY: z.preprocess(emptyToUndefined, z.string().length(43, 'must be the 43-character EncodingAESKey').optional()),
    WECOM_API_BASE: httpUrl('https://qyapi.weixin.qq.com'),
    WECHATY_PUPPET: optionalString,
    WECHATY_PUPPET_SERVICE_TOKEN: optionalString,
    /** host:port of a self-hosted puppet service; set, it skips the public discovery service. */
    WECHATY_PUPPET_SERVICE_ENDPOINT: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^(?:[\w.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$/, 'must be host:port of the puppet service, e.g. 10.0.0.5:8788').optional(),
    ),
    /** The puppet service speaks plain gRPC (its WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_SERVER=true). */
    WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).optional()),
  })
  .transform((env) => ({
    ...env,
    WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT: env.WECHATY_PUPPET_SERVICE_NO_TLS_INSECURE_CLIENT === 'true',
    SANDBOX_ENABLED:
      env.SANDBOX_ENABLED === undefined ? env.NODE_ENV !== 'production' : ['true', '1', 'yes'].includes(env.SANDBOX_ENABLED),
  }));

export type Config = z.output<typeof envSchema>;

/** A configuration that cannot start the bot; its message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  if (result.success) return checkReadReplica(checkPiiKey(checkChannelCompleteness(result.data)));
  const issue = result.error.issues[0];
  const variable = issue.path.length > 0 ? String(issue.path[0]) : 'environment';
  const value = typeof env[variable] === 'string' ? ` (got "${redactIfSecret(variable, env[variable] as string)}")` : '';
  throw new ConfigError(`Invalid ${variable}${value}: ${issue.message}`);
}

function redactIfSecret(name: string, value: string): string {
  if (/SECRET|TOKEN|KEY|PASSWORD/.test(name)) return '***';
  // A password inside a URL (mysql://user:pass@host, redis://:pass@host) is a secret too.
  return value.replace(/(\/\/[^/:@]*:)[^@/]*@/g, '$1***@');
}

/** A read replica only makes sense beside a MySQL/MariaDB primary. */
function checkReadReplica(config: Config): Config {
  if (config.DATABASE_READ_URL && !config.DATABASE_URL.startsWith('mysql:')) throw new ConfigError('Invalid DATABASE_READ_URL: a read replica needs DATABASE_URL to be mysql://… too');
  return config;
}

/** In production residents' data is never encrypted with a key made up on the spot (DESIGN §7). */
function checkPiiKey(config: Config): Config {
  if (config.NODE_ENV === 'production' && !config.PII_KEY) throw new ConfigError('Invalid PII_KEY: required when NODE_ENV=production (openssl rand -base64 32)');
  if (config.PII_KEY_PREVIOUS && !config.PII_KEY) throw new ConfigError('Invalid PII_KEY: required when PII_KEY_PREVIOUS is set (the new key)');
  return config;
}

/** A channel is either configured completely or not at all: half a configuration is a mistake. */
function checkChannelCompleteness(config: Config): Config {
  const groups: Record<string, (keyof Config)[]> = {
    DingTalk: ['DINGTALK_CLIENT_ID', 'DINGTALK_CLIENT_SECRET'],
    'WeCom app': ['WECOM_CORP_ID', 'WECOM_SECRET', 'WECOM_TOKEN', 'WECOM_AES_KEY'],
    'WeCom bot': ['WECOM_BOT_TOKEN', 'WECOM_BOT_AES_KEY'],
  };
  for (const [label, names] of Object.entries(groups)) {
    const set = names.filter((n) => config[n] !== undefined);
    if (set.length > 0 && set.length < names.length) {
      const missing = names.filter((n) => config[n] === undefined)[0];
      throw new ConfigError(`Invalid ${missing}: required when ${set.join(', ')} is set (${label})`);
    }
  }
  if (config.WECHATY_PUPPET === 'wechaty-puppet-service') {
    // The client derives the TLS server name from the part before the last "_" and throws without one.
    const token = config.WECHATY_PUPPET_SERVICE_TOKEN;
    if (!token) throw new ConfigError('Invalid WECHATY_PUPPET_SERVICE_TOKEN: required for wechaty-puppet-service');
    if (token.lastIndexOf('_') <= 0) {
      throw new ConfigError('Invalid WECHATY_PUPPET_SERVICE_TOKEN (got "***"): must be <server name>_<id>, e.g. insecure_<id> for the built-in certificate');
    }
  }
  if (config.WECHATY_PUPPET_SERVICE_ENDPOINT && config.WECHATY_PUPPET !== 'wechaty-puppet-service') {
    throw new ConfigError('Invalid WECHATY_PUPPET_SERVICE_ENDPOINT: only used with WECHATY_PUPPET=wechaty-puppet-service');
  }
  return config;
}

export const channelEnabled = {
  dingtalk: (c: Config) => Boolean(c.DINGTALK_CLIENT_ID && c.DINGTALK_CLIENT_SECRET),
  wecomApp: (c: Config) => Boolean(c.WECOM_CORP_ID && c.WECOM_SECRET && c.WECOM_TOKEN && c.WECOM_AES_KEY),
  wecomBot: (c: Config) => Boolean(c.WECOM_BOT_TOKEN && c.WECOM_BOT_AES_KEY),
  wechaty: (c: Config) => Boolean(c.WECHATY_PUPPET),
  sandbox: (c: Config) => c.SANDBOX_ENABLED,
};
