import { commandOfQuickLink, quickLink, renderForApi, renderForWebhook } from './render';

const buttons = (n: number) => Array.from({ length: n }, (_, i) => ({ label: `按钮${i + 1}`, command: `办结 T20261122-000${i + 1}` }));

describe('DingTalk rendering', () => {
  it('gives every card button a quick link that carries its command', () => {
    const link = quickLink('办结 T20261122-0007 已修复&好评');
    expect(link.startsWith('dtmd://dingtalkclient/sendMessage?content=')).toBe(true);
    expect(commandOfQuickLink(link)).toBe('办结 T20261122-0007 已修复&好评');

    const { msgKey, msgParam } = renderForApi({ text: '任务', card: { title: '任务', buttons: buttons(3) } }, { group: false });
    const param = JSON.parse(msgParam) as Record<string, string>;
    expect(msgKey).toBe('sampleActionCard3');
    expect([1, 2, 3].map((i) => [param[`actionTitle${i}`], commandOfQuickLink(param[`actionURL${i}`])])).toEqual(buttons(3).map((b) => [b.label, b.command]));
  });

  it('uses the single-button template for one button and markdown links beyond five', () => {
    const one = renderForApi({ text: '', card: { title: '请假', buttons: buttons(1) } }, { group: false });
    expect(one.msgKey).toBe('sampleActionCard');
    expect(commandOfQuickLink((JSON.parse(one.msgParam) as { singleURL: string }).singleURL)).toBe('办结 T20261122-0001');

    const many = renderForApi({ text: '', card: { title: '列表', buttons: buttons(7) } }, { group: false });
    expect(many.msgKey).toBe('sampleMarkdown');
    const text = (JSON.parse(many.msgParam) as { text: string }).text;
    expect(text).toContain(`[按钮7](${quickLink('办结 T20261122-0007')})`);
  });

  it('tells a group what to type, since a quick link in a group does not reach the robot', () => {
    const body = renderForWebhook({ text: '', card: { title: '任务', buttons: buttons(2) } }, { group: true }) as { actionCard: { text: string } };
    expect(body.actionCard.text).toContain('在群内请 @我 并发送：「办结 T20261122-0001」 「办结 T20261122-0002」');
  });

  it('keeps user text from becoming links or headings, and shows fields, images and files', () => {
    const { msgParam } = renderForApi(
      { text: '', card: { title: '事件', fields: [{ label: '地点', value: '[点我](http://evil)' }], lines: ['# 不是标题'] }, file: { name: '台账.xlsx', url: 'https://bot/files/1', mimeType: 'application/vnd.ms-excel' } },
      { group: false, imageRef: '@lADPmediaid' },
    );
    const text = (JSON.parse(msgParam) as { text: string }).text;
    expect(text).toContain('**地点**：［点我］(http://evil)');
    expect(text).toContain('＃ 不是标题');
    expect(text).toContain('![事件](@lADPmediaid)');
    expect(text).toContain('[📎 台账.xlsx](https://bot/files/1)');
  });

  it('does not mention someone outside the organisation (only an encrypted senderId is known)', () => {
    expect(renderForWebhook({ text: '已收到', mentionUserIds: ['$:LWCP_v1:$abc=='] }, { group: true })).toEqual({ msgtype: 'text', text: { content: '已收到' } });
    expect(renderForWebhook({ text: '已收到', mentionUserIds: ['$:LWCP_v1:$abc==', 'staff9'] }, { group: true })).toEqual({ msgtype: 'text', text: { content: '已收到 @staff9' }, at: { atUserIds: ['staff9'], isAtAll: false } });
  });

  it('sends plain text as text, naming the people it mentions', () => {
    expect(renderForApi({ text: '你好' }, { group: true })).toEqual({ msgKey: 'sampleText', msgParam: JSON.stringify({ content: '你好' }) });
    expect(renderForWebhook({ text: '请处理', mentionUserIds: ['staff9'] }, { group: true })).toEqual({ msgtype: 'text', text: { content: '请处理 @staff9' }, at: { atUserIds: ['staff9'], isAtAll: false } });
  });
});
