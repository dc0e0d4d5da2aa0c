/** 帮助 / help: what the sender may do, derived from the command declarations. */
import { topRole, type Member } from '../../domain/org/org';
import { t, type TextKey } from '../texts';
import { cardToText, type BotMessage } from '../message';
import { arg, defineCommand, helpText, mayUse, offeredTo, type Command, type CommandRegistry } from './framework';
import { suggest } from './understand';

/** `帮助 签倒`: the likely commands' help as buttons, not the whole list. */
function unknownTopic(registry: CommandRegistry, topic: string, member: Member | null): BotMessage | string {
  if (!member) return t('help.introUnbound');
  const found = suggest(topic, registry, (c) => offeredTo(c, member));
  if (found.length === 0) return [t('error.unknownCommand', { word: topic }), t('help.footer')].join('\n');
  const card = { title: t('understand.suggest', { word: topic }), buttons: found.map((s) => ({ label: s.command.name, command: `帮助 ${s.command.name}` })) };
  return { text: cardToText(card), card };
}

export function helpCommand(registry: CommandRegistry): Command {
  return defineCommand({
    id: 'help',
    name: '帮助',
    aliases: ['help', '菜单', '?', '？'],
    access: 'anyone',
    args: { topic: arg.optional(arg.word()) },
    async run(ctx, { topic }) {
      if (topic) {
        const c = registry.find(topic);
        if (!c || !mayUse(c, ctx.member)) return unknownTopic(registry, topic, ctx.member);
        const lines = [t('help.command', { name: c.name, summary: helpText(c.id, 'summary'), usage: helpText(c.id, 'usage'), example: helpText(c.id, 'example') })];
        if (c.aliases.length) lines.push(t('help.aliases', { aliases: c.aliases.join('、') }));
        if (c.details) lines.push(...(await c.details(ctx)));
        return lines.join('\n');
      }
      const member = ctx.member;
      if (!member) return t('help.introUnbound');
      const role = topRole(member);
      const usable = registry.all.filter((c) => offeredTo(c, member));
      const lines = [
        t('help.intro', { name: member.name, role: role ? t(`role.${role}` as TextKey) : t('role.none') }),
        ...usable.map((c) => t('help.line', { usage: helpText(c.id, 'usage'), summary: helpText(c.id, 'summary') })),
        t('help.footer'),
      ];
      return lines.join('\n');
    },
  });
}
