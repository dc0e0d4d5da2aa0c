/**
 * Commands are declared once — Chinese name, aliases, typed arguments, minimum role, where it may
 * be used — and from that one declaration come parsing, argument errors with a correct example,
 * authorisation and the help text. Help texts live in the catalogue under `cmd.<id>.*`.
 */
import { hasAuthority, roleRank, type Member, type OrgUnit, type Role } from '../../domain/org/org';
import { parseDeadline } from '../../domain/calendar/deadline-parser';
import { parseEventNumber } from '../../domain/event/event';
import { parseTaskNumber } from '../../domain/task/task';
import type { Inbound } from '../inbound';
import type { BotMessage } from '../message';
import type { CoreRepos, MemberSummary, Tx } from '../ports';
import type { Notifier } from '../notify';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import { zhCN } from '../texts/zh-CN';
import { lookup } from '../../domain/lookup';
import { hasEntry } from '../../domain/lookup';

/**
 * Who may run a command: anyone (even unbound), any bound member, a minimum role, or one of
 * several (`{ anyOf: ['grid_head', 'department'] }`: a grid head or above, or a department).
 * `department` stands beside the chain of command, so in `anyOf` it means that role itself.
 * `newcomer` is meant for people not yet bound (绑定): anyone may send it (it answers a bound
 * member itself), but help offers it only to those it is for.
 */
export type Access = 'anyone' | 'newcomer' | 'member' | Role | { anyOf: readonly Role[] };

export interface DialogControl {
  start(kind: string, data: Record<string, unknown>, ttlMs?: number): Promise<void>;
  clear(): Promise<void>;
}

/** What a handler sees; `R` are the repositories its area needs (the kernel's by default). */
export interface CommandContext<R extends CoreRepos = CoreRepos> {
  tx: Tx<R>;
  now: Date;
  repos: R;
  inbound: Inbound;
  member: Member | null;
  /** The org unit the conversation is bound to (a grid group, a community group), if any. */
  conversationUnit: OrgUnit | null;
  notify: Notifier;
  dialog: DialogControl;
  /** Adds a message to this conversation (besides what the handler returns). */
  reply(message: BotMessage | string): void;
  /** The member, or a SessionError for an unbound sender. */
  requireMember(): Member;
  /** Throws unless the member may act at `minRole` strength on `unit`. */
  authorize(unit: OrgUnit, minRole: Role): void;
}

/**
 * A parsed argument, or why not: `reason` fills the standard 「{arg}「{value}」不正确：{reason}」, or
 * `key`/`params` name a text of their own, `more` adds lines (a hint) before the example.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string; key?: TextKey; params?: Record<string, string | number>; more?: string[] };

export interface ArgSpec<T> {
  /** Catalogue key naming the argument in error messages. */
  label: TextKey;
  optional: boolean;
  /** Consumes the rest of the line. */
  rest: boolean;
  /** Reads up to this many words (`明天 17:00`), the longest reading that parses wins. */
  maxWords?: number;
  /** Optional, and skipped (not an error) when the word there is not of this kind: `申请延期 [任务编号] 时限 理由`. */
  skippable?: boolean;
  /** A flag (`紧急`): one of these words, found anywhere in the line and taken out before the others are read. */
  flag?: () => ReadonlySet<string>;
  parse(raw: string, ctx: CommandContext): Promise<ParseResult<T>> | ParseResult<T>;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (reason: string): ParseResult<never> => ({ ok: false, reason });

/** A deadline as read from the words (`3个工作日`, `月底`), with the words it came from. */
export interface DeadlineArg {
  deadline: Date;
  text: string;
}

/** A target of dispatch: an org unit (by code or unique name) or a member. */
export type TargetArg = { kind: 'unit'; unit: OrgUnit } | { kind: 'member'; member: MemberSummary };

/** Full-width letters and digits (`Ｔ２０２６…`) as ASCII, for numbers and codes. */
export function narrow(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();
}

/** A daily number (`T…`, `SJ…`) in its canonical form, or what it should look like. */
function numbered(label: TextKey, parse: (text: string) => string | null, badKey: TextKey): ArgSpec<string> {
  return {
    label,
    optional: false,
    rest: false,
    parse: (raw) => {
      const n = parse(narrow(raw));
      return n ? ok(n) : bad(t(badKey));
    },
  };
}

/** `紧急=urgent、加急=urgent` from the catalogue as a map, so a deployer can change the words. */
export function inputWords(key: TextKey): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of t(key).split(/[、,，;；\s]+/)) {
    const [word, value] = pair.split('=');
    if (word && value) map.set(word.trim(), value.trim());
  }
  return map;
}

async function memberByWord(raw: string, ctx: CommandContext): Promise<ParseResult<MemberSummary> | null> {
  const idMatch = /^#(\d+)$/.exec(narrow(raw));
  if (idMatch) {
    const m = await ctx.repos.org.memberSummary(Number(idMatch[1]));
    return m ? ok(m) : bad(t('arg.memberNotFound'));
  }
  const found = await ctx.repos.org.membersByName(raw.replace(/^[@＠]/, ''));
  if (found.length === 1) return ok(found[0]);
  if (found.length === 0) return null;
  return bad(t('arg.memberAmbiguous', { ids: found.map((m) => `#${m.id}`).join('、') }));
}


export const arg = {
  word: (label: TextKey = 'arg.word'): ArgSpec<string> => ({ label, optional: false, rest: false, parse: (raw) => ok(raw) }),
  text: (label: TextKey = 'arg.text'): ArgSpec<string> => ({ label, optional: false, rest: true, parse: (raw) => ok(raw) }),
  int: (label: TextKey = 'arg.int'): ArgSpec<number> => ({
    label,
    optional: false,
    rest: false,
    parse: (raw) => (/^\d+$/.test(raw) ? ok(Number(raw)) : bad(t('arg.notInt'))),
  }),
  oneOf: <V extends string>(label: TextKey, values: readonly V[], aliases: Record<string, V> = {}): ArgSpec<V> => ({
    label,
    optional: false,
    rest: false,
    parse: (raw) => {
      if ((values as readonly string[]).includes(raw)) return ok(raw as V);
      const aliased = lookup(aliases, raw);
      if (aliased !== undefined) return ok(aliased);
      return bad(t('arg.notInList', { values: values.join('、') }));
    },
  }),
  /** An org unit by code, or by name when the name is unique. */
  unit: (label: TextKey = 'arg.unitCode'): ArgSpec<OrgUnit> => ({
    label,
    optional: false,
    rest: false,
    parse: async (raw, ctx) => {
      const byCode = await ctx.repos.org.unitByCode(raw);
      if (byCode) return ok(byCode);
      const byName = await ctx.repos.org.unitsByName(raw);
      return byName.length === 1 ? ok(byName[0]) : bad(t('arg.unitNotFound'));
    },
  }),
  /** A member by `#id`, `@名字` or `名字`; a name shared by several members must be given as #id. */
  member: (label: TextKey = 'arg.member'): ArgSpec<MemberSummary> => ({
    label,
    optional: false,
    rest: false,
    parse: async (raw, ctx) => (await memberByWord(raw, ctx)) ?? bad(t('arg.memberNotFound')),
  }),
  /** Whom to dispatch to: a unit code, a member (`#12`, `@名字`, `名字`), or a unique unit name. */
  target: (label: TextKey = 'arg.taskTarget', notFound: TextKey = 'arg.targetNotFound'): ArgSpec<TargetArg> => ({
    label,
    optional: false,
    rest: false,
    parse: async (raw, ctx) => {
      const byCode = await ctx.repos.org.unitByCode(narrow(raw));
      if (byCode) return ok({ kind: 'unit', unit: byCode });
      const person = await memberByWord(raw, ctx);
      if (person?.ok) return ok({ kind: 'member', member: person.value });
      if (person) return person;
      const units = await ctx.repos.org.unitsByName(raw);
      return units.length === 1 ? ok({ kind: 'unit', unit: units[0] }) : { ok: false, reason: '', key: notFound, params: { target: raw } };
    },
  }),
  /** A task number `T20261122-0007` (any case, short sequence, full-width digits). */
  taskNumber: (label: TextKey = 'arg.taskNumber'): ArgSpec<string> => numbered(label, parseTaskNumber, 'arg.taskNumberBad'),
  /** An event number `SJ20261122-0007`. */
  eventNumber: (label: TextKey = 'arg.eventNumber'): ArgSpec<string> => numbered(label, parseEventNumber, 'arg.eventNumberBad'),
  /**
   * A deadline as people say it (`明天 17:00`, `3个工作日`, `月底`), in the transaction's calendar.
   * A refusal says which moment was read (`in_past`, `too_far`) and how deadlines are written.
   */
  deadline: (label: TextKey = 'arg.deadline'): ArgSpec<DeadlineArg> => ({
    label,
    optional: false,
    rest: false,
    maxWords: 2,
    parse: (raw, ctx) => {
      const result = parseDeadline(raw, ctx.now, ctx.tx.calendar);
      if (result.ok) return ok({ deadline: result.deadline, text: raw });
      const readAs = result.readAs ? ctx.tx.calendar.formatMoment(result.readAs, ctx.now) : '';
      return { ok: false, reason: '', key: `deadline.err.${result.error}` as TextKey, params: { value: raw, readAs }, more: [t('deadline.hint')] };
    },
  }),
  /**
   * A flag word anywhere in the line (`紧急`), from the input words of the catalogue
   * (`key` holds `word=value` pairs separated by `、`); absent means `fallback`.
   */
  flag: <V extends string>(label: TextKey, key: TextKey, fallback: V): ArgSpec<V> => ({
    label,
    optional: true,
    rest: false,
    flag: () => new Set(inputWords(key).keys()),
    parse: (raw) => {
      const value = inputWords(key).get(raw);
      return value ? ok(value as V) : ok(fallback);
    },
  }),
  optional: <T>(spec: ArgSpec<T>): ArgSpec<T | undefined> => ({ ...spec, optional: true }) as ArgSpec<T | undefined>,
  /** Optional, and skipped when the word there does not parse as this argument. */
  maybe: <T>(spec: ArgSpec<T>): ArgSpec<T | undefined> => ({ ...spec, optional: true, skippable: true }) as ArgSpec<T | undefined>,
};

type ArgValues<A extends Record<string, ArgSpec<unknown>>> = { [K in keyof A]: A[K] extends ArgSpec<infer V> ? V : never };

export interface CommandDeclaration<A extends Record<string, ArgSpec<unknown>>, R extends CoreRepos = CoreRepos> {
  /** English id; help texts are `cmd.<id>.summary`, `.usage`, `.example` in the catalogue. */
  id: string;
  /** What the user types, in Chinese. */
  name: string;
  aliases?: string[];
  access: Access;
  /** Where the command may be used. */
  where?: 'any' | 'group' | 'direct';
  args: A;
  run(ctx: CommandContext<R>, args: ArgValues<A>): Promise<BotMessage | string | void>;
  /** Extra lines for `帮助 <command>`, read when asked (the 考核 rules in force, say). */
  details?(ctx: CommandContext<R>): Promise<string[]>;
}

export interface Command<R extends CoreRepos = CoreRepos> {
  id: string;
  name: string;
  aliases: string[];
  access: Access;
  where: 'any' | 'group' | 'direct';
  /** The arguments as declared, in order: what 帮助 and the README's usage line are checked against. */
  signature: { label: TextKey; optional: boolean; flag: boolean; rest: boolean }[];
  /** What the first argument is (`task`/`event` number): a quote-reply to a card supplies it. */
  subject?: 'task' | 'event';
  /** Parses the words after the command name and runs it. */
  execute(ctx: CommandContext<R>, rest: string): Promise<BotMessage | string | void>;
  details?(ctx: CommandContext<R>): Promise<string[]>;
}

/** `defineCommand` for an area whose handlers need the repositories `R`. */
export function commandsOf<R extends CoreRepos>() {
  return <A extends Record<string, ArgSpec<unknown>>>(decl: CommandDeclaration<A, R>): Command<R> => defineCommand<A, R>(decl);
}

export function defineCommand<A extends Record<string, ArgSpec<unknown>>, R extends CoreRepos = CoreRepos>(decl: CommandDeclaration<A, R>): Command<R> {
  const specs = Object.entries(decl.args);
  return {
    id: decl.id,
    name: decl.name,
    aliases: decl.aliases ?? [],
    access: decl.access,
    where: decl.where ?? 'any',
    signature: specs.map(([, spec]) => ({ label: spec.label, optional: spec.optional, flag: Boolean(spec.flag), rest: spec.rest })),
    ...subjectOf(specs),
    ...(decl.details ? { details: decl.details } : {}),
    async execute(ctx, rest) {
      const values: Record<string, unknown> = {};
      let remaining = rest.trim();
      for (const [key, spec] of specs) {
        if (!spec.flag) continue;
        const flagWords = spec.flag();
        const found = wordsOf(remaining).find((w) => flagWords.has(w.text));
        const parsed = await spec.parse(found?.text ?? '', ctx);
        values[key] = parsed.ok ? parsed.value : undefined;
        // The flag word is taken out; the rest of the line keeps its own spacing and lines.
        if (found) remaining = (remaining.slice(0, found.start) + remaining.slice(found.end).replace(/^\s+/, '')).trim();
      }
      for (const [key, spec] of specs) {
        if (spec.flag) continue;
        if (!remaining) {
          if (spec.optional) {
            values[key] = undefined;
            continue;
          }
          throw usageError(decl.id, 'error.missingArg', { arg: t(spec.label) });
        }
        if (spec.rest) {
          const parsed = await spec.parse(remaining, ctx);
          if (!parsed.ok) throw refusal(decl.id, spec, remaining, parsed);
          values[key] = parsed.value;
          remaining = '';
          continue;
        }
        const words = wordsOf(remaining);
        const reading = (n: number) => remaining.slice(words[0].start, words[n - 1].end);
        let parsed: ParseResult<unknown> | undefined;
        let used = 1;
        for (let n = Math.min(spec.maxWords ?? 1, words.length); n >= 1; n--) {
          // A longer reading must leave a word for each required argument after it.
          if (n > 1 && words.length - n < requiredAfter(specs, key)) continue;
          const attempt = await tryParse(spec, reading(n), ctx, n > 1);
          if (attempt === null) continue;
          parsed = attempt;
          used = n;
          break;
        }
        const raw = reading(used);
        if (parsed && !parsed.ok && spec.skippable) {
          values[key] = undefined;
          continue;
        }
        if (!parsed || !parsed.ok) throw refusal(decl.id, spec, raw, parsed ?? { ok: false, reason: '' });
        values[key] = parsed.value;
        remaining = remaining.slice(words[used - 1].end).trim();
      }
      if (remaining) throw usageError(decl.id, 'error.tooManyArgs', { extra: remaining });
      return decl.run(ctx, values as ArgValues<A>);
    },
  };
}

/** A command whose first argument is a task or an event number is about that item. */
function subjectOf(specs: [string, ArgSpec<unknown>][]): { subject?: 'task' | 'event' } {
  const first = specs.find(([, s]) => !s.flag)?.[1];
  if (first?.label === 'arg.taskNumber') return { subject: 'task' };
  if (first?.label === 'arg.eventNumber') return { subject: 'event' };
  return {};
}

/** The usage error for an argument that did not parse: its own text, or 「{arg}「{value}」不正确」. */
function refusal(id: string, spec: ArgSpec<unknown>, raw: string, failed: { ok: false; reason: string; key?: TextKey; params?: Record<string, string | number>; more?: string[] }): SessionError {
  if (failed.key) return usageError(id, failed.key, { arg: t(spec.label), value: raw, ...failed.params }, failed.more);
  return usageError(id, 'error.badArg', { arg: t(spec.label), value: raw, reason: failed.reason }, failed.more);
}

/** The words of a line with where each stands, so what is left keeps its own spacing and lines. */
function wordsOf(line: string): { text: string; start: number; end: number }[] {
  return [...line.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

/** How many required, positional arguments come after `key`. */
function requiredAfter(specs: [string, ArgSpec<unknown>][], key: string): number {
  const i = specs.findIndex(([k]) => k === key);
  return specs.slice(i + 1).filter(([, s]) => !s.optional && !s.flag).length;
}

/** Parses one reading; a longer reading that fails is null so a shorter one is tried, never an error. */
async function tryParse(spec: ArgSpec<unknown>, raw: string, ctx: CommandContext, longer: boolean): Promise<ParseResult<unknown> | null> {
  try {
    const parsed = await spec.parse(raw, ctx);
    return longer && !parsed.ok ? null : parsed;
  } catch (err) {
    if (longer) return null;
    throw err;
  }
}

/** A user's mistake with a command: what was wrong, any extra lines, then its usage and one example. */
export function usageError(id: string, key: TextKey, params: Record<string, string | number> = {}, more: string[] = []): SessionError {
  return new UsageError(key, params, [...more, t('error.example', { usage: helpText(id, 'usage'), example: helpText(id, 'example') })]);
}

/**
 * A command's words did not fit its declaration. In a group where the bot was not addressed, the
 * message was chatter that began like a command, and the bot stays silent.
 */
export class UsageError extends SessionError {
  override name = 'UsageError';
}

/** `cmd.<id>.<part>` from the catalogue. */
export function helpText(id: string, part: 'summary' | 'usage' | 'example'): string {
  const key = `cmd.${id}.${part}`;
  return hasEntry(zhCN, key) ? t(key as TextKey) : key;
}

/** The usage line the declaration implies: `派单 派单对象 [优先级] 时限 标题 [内容]`. */
export function declaredUsage(command: Pick<Command, 'name' | 'signature'>): string {
  return [command.name, ...command.signature.map((a) => (a.optional || a.flag ? `[${t(a.label)}]` : t(a.label)))].join(' ');
}

/** Whether a member (or an unbound sender, `null`) may see and run a command at all. */
export function mayUse(command: Pick<Command, 'access'>, member: Member | null): boolean {
  if (command.access === 'anyone' || command.access === 'newcomer') return true;
  if (!member) return false;
  if (command.access === 'member') return true;
  const wanted = typeof command.access === 'string' ? [command.access] : command.access.anyOf;
  return member.roles.some((g) => wanted.some((role) => meets(g.role, role)));
}

/**
 * A held role meets a required one: by rank, except `department`, which is a role beside the chain,
 * and `auditor` (审计员), which only an auditor holds (not even an admin: the administrator is not the auditor).
 */
function meets(held: Role, required: Role): boolean {
  if (required === 'department') return held === 'department' || held === 'admin';
  if (required === 'auditor') return held === 'auditor';
  return roleRank(held) >= roleRank(required);
}

/** Whether help lists the command for this sender: usable, and meant for them. */
export function offeredTo(command: Command, member: Member | null): boolean {
  return mayUse(command, member) && !(command.access === 'newcomer' && member);
}

export function authorizeOn(member: Member, unit: OrgUnit, minRole: Role, commandName: string): void {
  if (!hasAuthority(member, unit.path, minRole)) throw new SessionError('error.notAllowedUnit', { command: commandName, unit: unit.name });
}

/** Where a command word ends: a space of any width, or ASCII or full-width punctuation. */
const SEPARATOR = /^[\s\u200b\u3000:：,，、。.;；!！?？~～\-—]+/;

/** A command word found at the start of a message. */
export interface CommandMatch<R extends CoreRepos = CoreRepos> {
  command: Command<R>;
  /** The declared word (name or alias) that matched. */
  word: string;
  /** What follows the word and its separator. */
  rest: string;
  /** Whether the word stood alone or was followed by a separator (not run on into the text). */
  separated: boolean;
}

/** The command table: lookup by name or alias, exactly or at the start of a message. */
export class CommandRegistry<R extends CoreRepos = CoreRepos> {
  private readonly byWord = new Map<string, Command<R>>();
  /** Declared words, longest first, each with a pattern that allows stray spaces inside it (`签 到`). */
  private patterns: { word: string; re: RegExp }[] = [];
  readonly all: Command<R>[] = [];

  register(...commands: Command<R>[]): this {
    for (const c of commands) {
      for (const word of [c.name, ...c.aliases]) {
        if (this.byWord.has(word)) throw new Error(`command word "${word}" declared twice`);
        this.byWord.set(word, c);
      }
      this.all.push(c);
    }
    this.patterns = [...this.byWord.keys()]
      .sort((a, b) => [...b].length - [...a].length)
      .map((word) => ({ word, re: new RegExp('^' + [...word].map(escapeRegExp).join('[\\s\\u200b\\u3000]*'), 'i') }));
    return this;
  }

  find(word: string): Command<R> | undefined {
    return this.byWord.get(word) ?? this.byWord.get(word.toLowerCase()) ?? this.byWord.get(narrow(word).toLowerCase());
  }

  /**
   * The longest declared word the message starts with (事件类别 before 事件), followed by nothing,
   * a separator, or — for Chinese words — directly by the text (`上报幸福路…`). Latin words
   * (`help`) must end at a word boundary.
   */
  match(text: string): CommandMatch<R> | undefined {
    const head = narrowHead(text.trim());
    for (const { word, re } of this.patterns) {
      const m = re.exec(head);
      if (!m) continue;
      const after = head.slice(m[0].length);
      const sep = SEPARATOR.exec(after);
      if (!sep && after && /[A-Za-z0-9]$/.test(word) && /^[A-Za-z0-9]/.test(after)) continue;
      return { command: this.byWord.get(word)!, word, rest: after.slice(sep?.[0].length ?? 0).trim(), separated: after === '' || sep !== null };
    }
    return undefined;
  }

  /** Every declared word with its command (for suggestions). */
  words(): [string, Command<R>][] {
    return [...this.byWord];
  }
}

/** Full-width letters, digits and `?` at the start (where a command word is) as ASCII. */
function narrowHead(text: string): string {
  return text.replace(/^[\uff01-\uff5e]+/, (run) => narrow(run));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
