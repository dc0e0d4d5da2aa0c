/** The command reference as a Markdown table, generated from the declarations (for the README). */
import { t, type TextKey } from '../texts';
import { helpText, type Command } from './framework';

function accessText(command: Command): string {
  if (command.access === 'anyone') return '任何人';
  if (command.access === 'newcomer') return '未绑定者';
  if (command.access === 'member') return '已绑定成员';
  const roles = typeof command.access === 'string' ? [command.access] : command.access.anyOf;
  return roles.map((r) => (r === 'department' || r === 'auditor' ? t(`role.${r}`) : `${t(`role.${r}` as TextKey)}及以上`)).join('或');
}

const escape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function commandReference(commands: Command[]): string {
  const rows = commands.map(
    (c) =>
      `| \`${escape(helpText(c.id, 'usage'))}\` | ${c.aliases.map((a) => `\`${escape(a)}\``).join(' ') || '—'} | ${accessText(c)} | ${escape(helpText(c.id, 'summary'))} | \`${escape(helpText(c.id, 'example'))}\` |`,
  );
  return ['| 命令 | 别名 | 谁可以用 | 说明 | 示例 |', '|---|---|---|---|---|', ...rows].join('\n');
}
