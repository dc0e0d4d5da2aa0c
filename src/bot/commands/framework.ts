/**
 * Commands are declared once — Chinese name, aliases, typed arguments, minimum role, where it may
 * be used — and from that one declaration come parsing, argument errors with a correct example,
 * authorisation and the help text. Help texts live in the catalogue under `cmd.<id>.*`.
 */
import { hasAuthority, hasRoleAnywhere, type Member, type OrgUnit, type Role } from '../../domain/org/org';
import type { Inbound } from '../inbound';
import type { BotMessage } from '../message';
import type { CoreRepos, MemberSummary, Tx } from '../ports';
import type { Notifier } from '../notify';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import { zhCN } from '../texts/zh-CN';

/** Who may run a command: anyone (even unbound), any bound member, or a minimum role. */
export type Access = 'anyone' | 'member' | Role;

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

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ArgSpec<T> {
  /** Catalogue key naming the argument in error messages. */
  label: TextKey;
  optional: boolean;
  /** Consumes the rest of the line. */
  rest: boolean;
  parse(raw: string, ctx: CommandContext): Promise<ParseResult<T>> | ParseResult<T>;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (reason: string): ParseResult<never> => ({ ok: false, reason });

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
      if (raw in aliases) return ok(aliases[raw]);
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
    parse: async (raw, ctx) => {
      const idMatch = /^#(\d+)$/.exec(raw);
      if (idMatch) {
        const m = await ctx.repos.org.memberSummary(Number(idMatch[1]));
        return m ? ok(m) : bad(t('arg.memberNotFound'));
      }
      const found = await ctx.repos.org.membersByName(raw.replace(/^[@＠]/, ''));
      if (found.length === 1) return ok(found[0]);
      if (found.length === 0) return bad(t('arg.memberNotFound'));
      return bad(t('arg.memberAmbiguous', { ids: found.map((m) => `#${m.id}`).join('、') }));
    },
  }),
  optional: <T>(spec: ArgSpec<T>): ArgSpec<T | undefined> => ({ ...spec, optional: true }) as ArgSpec<T | undefined>,
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
    ...(decl.details ? { details: decl.details } : {}),
    async execute(ctx, rest) {
      const values: Record<string, unknown> = {};
      let remaining = rest.trim();
      for (const [key, spec] of specs) {
        if (!remaining) {
          if (spec.optional) {
            values[key] = undefined;
            continue;
          }
          throw usageError(decl.id, 'error.missingArg', { arg: t(spec.label) });
        }
        let raw: string;
        if (spec.rest) {
          raw = remaining;
          remaining = '';
        } else {
          const m = /^(\S+)\s*([\s\S]*)$/.exec(remaining)!;
          raw = m[1];
          remaining = m[2];
        }
        const parsed = await spec.parse(raw, ctx);
        if (!parsed.ok) throw usageError(decl.id, 'error.badArg', { arg: t(spec.label), value: raw, reason: parsed.reason });
        values[key] = parsed.value;
      }
      if (remaining) throw usageError(decl.id, 'error.tooManyArgs', { extra: remaining });
      return decl.run(ctx, values as ArgValues<A>);
    },
  };
}

/** A user's mistake with a command: what was wrong, any extra lines, then its usage and one example. */
export function usageError(id: string, key: TextKey, params: Record<string, string | number> = {}, more: string[] = []): SessionError {
  return new SessionError(key, params, [...more, t('error.example', { usage: helpText(id, 'usage'), example: helpText(id, 'example') })]);
}

/** `cmd.<id>.<part>` from the catalogue. */
export function helpText(id: string, part: 'summary' | 'usage' | 'example'): string {
  const key = `cmd.${id}.${part}`;
  return key in zhCN ? t(key as TextKey) : key;
}

/** Whether a member (or an unbound sender, `null`) may see and run a command at all. */
export function mayUse(command: Pick<Command, 'access'>, member: Member | null): boolean {
  if (command.access === 'anyone') return true;
  if (!member) return false;
  if (command.access === 'member') return true;
  return hasRoleAnywhere(member, command.access);
}

export function authorizeOn(member: Member, unit: OrgUnit, minRole: Role, commandName: string): void {
  if (!hasAuthority(member, unit.path, minRole)) throw new SessionError('error.notAllowedUnit', { command: commandName, unit: unit.name });
}

/** The command table: lookup by name or alias. */
export class CommandRegistry<R extends CoreRepos = CoreRepos> {
  private readonly byWord = new Map<string, Command<R>>();
  readonly all: Command<R>[] = [];

  register(...commands: Command<R>[]): this {
    for (const c of commands) {
      for (const word of [c.name, ...c.aliases]) {
        if (this.byWord.has(word)) throw new Error(`command word "${word}" declared twice`);
        this.byWord.set(word, c);
      }
      this.all.push(c);
    }
    return this;
  }

  find(word: string): Command<R> | undefined {
    return this.byWord.get(word) ?? this.byWord.get(word.toLowerCase());
  }
}
