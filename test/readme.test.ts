/** The README lists every command a user can send, exactly as the declarations say. */
import fs from 'node:fs';
import path from 'node:path';
import { Bot } from '../src/bot/bot';
import { createBotModules } from '../src/bot/modules';
import { commandReference } from '../src/bot/commands/reference';
import { declaredUsage, helpText } from '../src/bot/commands/framework';
import { zhCN } from '../src/bot/texts/zh-CN';
import { silentLogger } from '../src/log';

describe('README', () => {
  const registry = new Bot(createBotModules().modules, silentLogger).commands;
  const commands = registry.all;

  it('has the generated command table (run `npm run docs:commands` after changing a command)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(commandReference(commands));
  });

  it('has, for every command, a usage line that agrees with its declaration (name, required and optional arguments)', () => {
    const disagree = commands.flatMap((c) => {
      const [name, ...slots] = helpText(c.id, 'usage').split(' ');
      const required = slots.filter((w) => !w.startsWith('[')).length;
      const optional = slots.length - required;
      const declaredRequired = c.signature.filter((a) => !a.optional && !a.flag).length;
      const declaredOptional = c.signature.length - declaredRequired;
      // A catch-all text may be shown as several words (`[类别] [描述]`).
      const fits = c.signature.some((a) => a.rest) ? required >= declaredRequired : required === declaredRequired && optional === declaredOptional;
      return name === c.name && fits ? [] : [`${helpText(c.id, 'usage')} ≠ ${declaredUsage(c)}`];
    });
    expect(disagree).toEqual([]);
  });

  it('has, for every command, an example that the bot reads as that command', () => {
    const misread = commands.filter((c) => registry.match(helpText(c.id, 'example'))?.command.id !== c.id).map((c) => `${c.name}: ${helpText(c.id, 'example')}`);
    expect(misread).toEqual([]);
  });

  it('has a summary, usage and example in the catalogue for every command', () => {
    const missing = commands.flatMap((c) => ['summary', 'usage', 'example'].map((p) => `cmd.${c.id}.${p}`)).filter((k) => !(k in zhCN));
    expect(missing).toEqual([]);
  });
});
