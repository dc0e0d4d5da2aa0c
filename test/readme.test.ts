/** The README lists every command a user can send, exactly as the declarations say. */
import fs from 'node:fs';
import path from 'node:path';
import { Bot } from '../src/bot/bot';
import { createBotModules } from '../src/bot/modules';
import { commandReference } from '../src/bot/commands/reference';
import { zhCN } from '../src/bot/texts/zh-CN';
import { silentLogger } from '../src/log';

describe('README', () => {
  const commands = new Bot(createBotModules().modules, silentLogger).commands.all;

  it('has the generated command table (run `npm run docs:commands` after changing a command)', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(commandReference(commands));
  });

  it('has a summary, usage and example in the catalogue for every command', () => {
    const missing = commands.flatMap((c) => ['summary', 'usage', 'example'].map((p) => `cmd.${c.id}.${p}`)).filter((k) => !(k in zhCN));
    expect(missing).toEqual([]);
  });
});
