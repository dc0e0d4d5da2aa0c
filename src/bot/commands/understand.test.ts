import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTextOverrides } from '../texts';
import { CommandRegistry, arg, defineCommand, inputWords, type Command } from './framework';
import { editDistance, understand, type Situation } from './understand';

const command = (id: string, name: string, aliases: string[] = []): Command =>
  defineCommand({ id, name, aliases, access: 'member', args: { rest: arg.optional(arg.text()) }, run: async () => undefined });

const registry = new CommandRegistry().register(
  command('help', '帮助', ['help', '?', '？']),
  command('report', '上报', ['报事']),
  command('escalate', '上报上级'),
  command('event', '事件'),
  command('categories', '事件类别'),
  command('checkIn', '签到'),
  command('tasks', '任务'),
  command('batch', '任务进度'),
);
const dm: Situation = { addressed: true, inDialog: false, mayUse: () => true };
const quietGroup: Situation = { addressed: false, inDialog: false, mayUse: () => true };

function read(text: string, situation = dm): string {
  const u = understand(text, registry, situation);
  if (u.kind === 'command') return `${u.match.command.name}|${u.match.rest}`;
  if (u.kind === 'unknown') return `?${u.suggestions.map((s) => s.line).join(',')}`;
  return u.kind;
}

afterEach(() => loadTextOverrides(undefined));

describe('a command word at the start, with or without a separator', () => {
  it.each([
    ['上报幸福路12号垃圾堆放', '上报|幸福路12号垃圾堆放'],
    ['上报：幸福路', '上报|幸福路'],
    ['上报:幸福路', '上报|幸福路'],
    ['上报，幸福路', '上报|幸福路'],
    ['上报、幸福路', '上报|幸福路'],
    ['上报。幸福路', '上报|幸福路'],
    ['上报\u3000幸福路', '上报|幸福路'],
    ['上报\u2003幸福路', '上报|幸福路'],
    ['上报上级 SJ20261124-0001', '上报上级|SJ20261124-0001'],
    ['事件类别', '事件类别|'],
    ['事件SJ20261124-0001', '事件|SJ20261124-0001'],
    ['任务进度T20261124-0001', '任务进度|T20261124-0001'],
    ['帮助上报', '帮助|上报'],
    ['签 到', '签到|'],
    ['HELP', '帮助|'],
    ['ｈｅｌｐ', '帮助|'],
    ['helpful', '?'],
  ])('%s → %s', (text, expected) => {
    expect(read(text)).toBe(expected);
  });
});

describe('a group that does not @-mention the bot', () => {
  it.each([
    ['签到', '签到|'],
    ['签到。', '签到|'],
    ['上报：幸福路垃圾', '上报|幸福路垃圾'],
    ['上报幸福路垃圾', 'ignore'],
    ['任务都完成了吗？', 'ignore'],
    ['？', 'ignore'],
    ['幸福路路灯坏了', 'ignore'],
    ['打卡', 'ignore'],
  ])('%s → %s', (text, expected) => {
    expect(read(text, quietGroup)).toBe(expected);
  });

  it('an open dialog is interrupted only by an unmistakable command', () => {
    const inDialog = { ...dm, inDialog: true };
    expect(read('上报了两张照片', inDialog)).toBe('ignore');
    expect(read('上报 新的事', inDialog)).toBe('上报|新的事');
  });
});

describe('an unknown command', () => {
  it('offers at most three likely commands, synonyms carrying the rest of the line', () => {
    expect(read('报个事 路灯坏了')).toMatch(/^\?上报 路灯坏了(,|$)/);
    expect(read('签倒')).toMatch(/^\?签到/);
    expect(read('今天天气不错')).toBe('?');
    const u = understand('任', registry, dm);
    expect(u.kind === 'unknown' ? u.suggestions.length : 0).toBeLessThanOrEqual(3);
  });

  it('offers a problem described to the bot as a report', () => {
    expect(read('幸福路路灯坏了两天了')).toBe('offerReport');
  });

  it('reads the synonyms and flag words a deployer sets in TEXTS_FILE', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'texts-')), 'texts.json');
    fs.writeFileSync(file, JSON.stringify({ 'input.synonyms': '打个卡=签到', 'input.priority': '特急=urgent' }));
    loadTextOverrides(file);
    expect(read('打个卡')).toBe('?签到');
    expect(read('报个事 路灯坏了')).toBe('offerReport');
    expect(inputWords('input.priority').get('特急')).toBe('urgent');
    expect(inputWords('input.priority').has('紧急')).toBe(false);
  });
});

it('measures edits in characters', () => {
  expect(editDistance('签到', '签倒')).toBe(1);
  expect(editDistance('申请延期', '申请廷期')).toBe(1);
  expect(editDistance('', '上报')).toBe(2);
});

describe('declared arguments', () => {
  it('leave the rest of the line as it was typed: its lines and spacing, a flag word taken out', async () => {
    const seen: Record<string, unknown>[] = [];
    const notice = defineCommand({
      id: 'notice',
      name: '录入',
      access: 'anyone',
      args: { year: arg.int(), urgent: arg.flag('arg.priority', 'input.priority', 'normal'), text: arg.text() },
      run: async (_ctx, values) => {
        seen.push(values);
      },
    });
    const ctx = {} as Parameters<typeof notice.execute>[0];
    await notice.execute(ctx, ' 2027\n元旦：1月1日放假\n春节：2月5日至12日  放假 紧急');
    expect(seen[0]).toEqual({ year: 2027, urgent: 'urgent', text: '元旦：1月1日放假\n春节：2月5日至12日  放假' });
  });
});
