/**
 * The understanding corpora: what gridworkers type (read as expected in at least 97 % of cases) and
 * ordinary group chatter (never taken as a command when the bot is not addressed).
 */
import { understand } from '../../src/bot/commands/understand';
import { interpret, judge, loadChatter, loadUtterances, registry } from './corpus';

const commands = registry();

it('reads at least 97 % of at least 400 utterances as expected', () => {
  const utterances = loadUtterances();
  const wrong = utterances.map((u) => ({ u, got: interpret(u, commands) })).filter(({ u, got }) => !judge(u, got, commands));
  const accuracy = 1 - wrong.length / utterances.length;
  expect(utterances.length).toBeGreaterThanOrEqual(400);
  if (accuracy < 0.97) throw new Error(`accuracy ${(accuracy * 100).toFixed(1)} %; misread:\n${wrong.map(({ u, got }) => `${u.line}: ${u.text} → ${got} (expected ${u.expected})`).join('\n')}`);
});

it('takes none of at least 1,000 lines of group chatter as a command when the bot is not addressed', () => {
  const chatter = loadChatter();
  expect(chatter.length).toBeGreaterThanOrEqual(1000);
  const taken = chatter.filter((line) => understand(line, commands, { addressed: false, inDialog: false, mayUse: () => true }).kind !== 'ignore');
  expect(taken).toEqual([]);
});
