/**
 * `npm run bench:understanding`: how the bot reads the corpora in test/understanding/ — the share of
 * utterances read as expected, and how many chatter lines it would act on — into
 * bench/results/understanding.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { understand } from '../src/bot/commands/understand';
import { interpret, judge, loadChatter, loadUtterances, registry } from '../test/understanding/corpus';

const commands = registry();
const utterances = loadUtterances();
const results = utterances.map((u) => ({ u, got: interpret(u, commands) }));
const wrong = results.filter(({ u, got }) => !judge(u, got, commands));
const byWhere = new Map<string, { total: number; ok: number }>();
for (const { u, got } of results) {
  const row = byWhere.get(u.where) ?? { total: 0, ok: 0 };
  row.total += 1;
  if (judge(u, got, commands)) row.ok += 1;
  byWhere.set(u.where, row);
}
const chatter = loadChatter();
const taken = chatter.filter((line) => understand(line, commands, { addressed: false, inDialog: false, mayUse: () => true }).kind !== 'ignore');
const pct = (ok: number, total: number) => `${((100 * ok) / total).toFixed(1)} %`;

const lines = [
  '# Understanding: commands as people type them',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:understanding\` on the corpora in \`test/understanding/\`.`,
  'The same corpora run in CI: `test/understanding/corpus.test.ts` (this reading step), `utterances-e2e.test.ts` (the utterances end to end on the sandbox, and through the real Wechaty receiver) and `chatter-e2e.test.ts` (the chatter end to end on the sandbox and on Wechaty); each must reach 97 % (chatter: 100 %).',
  '',
  '| corpus | lines | as expected |',
  '|---|---|---|',
  `| utterances (all) | ${utterances.length} | ${pct(utterances.length - wrong.length, utterances.length)} |`,
  ...[...byWhere].map(([where, r]) => `| utterances: ${where} | ${r.total} | ${pct(r.ok, r.total)} |`),
  `| group chatter, not addressed (nothing acted on) | ${chatter.length} | ${pct(chatter.length - taken.length, chatter.length)} |`,
  '',
  '## Misread utterances',
  '',
  ...(wrong.length ? wrong.map(({ u, got }) => `- line ${u.line} (${u.where}) \`${u.text}\` → \`${got}\`, expected \`${u.expected}\``) : ['none']),
  '',
  '## Chatter acted on',
  '',
  ...(taken.length ? taken.map((l) => `- \`${l}\``) : ['none']),
  '',
];
const out = path.join(__dirname, 'results', 'understanding.md');
fs.writeFileSync(out, lines.join('\n'));
process.stdout.write(lines.join('\n'));
