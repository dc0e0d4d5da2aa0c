/** `npm run docs:commands`: rewrites the README's command table from the command declarations. */
import fs from 'node:fs';
import path from 'node:path';
import { Bot } from '../src/bot/bot';
import { createBotModules } from '../src/bot/modules';
import { commandReference } from '../src/bot/commands/reference';
import { silentLogger } from '../src/log';

const file = path.join(__dirname, '..', 'README.md');
const readme = fs.readFileSync(file, 'utf8');
const table = commandReference(new Bot(createBotModules().modules, silentLogger).commands.all);
const next = readme.replace(/<!-- commands:start -->[\s\S]*<!-- commands:end -->/, `<!-- commands:start -->\n${table}\n<!-- commands:end -->`);
fs.writeFileSync(file, next);
process.stdout.write(next === readme ? 'README command table is up to date.\n' : 'README command table updated.\n');
