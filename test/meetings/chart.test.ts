/** The chart PNG: valid, the stated size, its figures embedded, and bars drawn in proportion. */
import { renderBarChart, niceMax } from '../../src/adapters/render/bar-chart';
import { createMeetingRenderer } from '../../src/adapters/render';
import { toMarkdown } from '../../src/adapters/render/document';
import { decodeChart } from './chart-support';

const spec = {
  title: '阳光社区各网格上周事件数',
  asciiTitle: 'Events per grid',
  bars: [
    { label: '阳光一网格', shortLabel: '01001001', value: 8 },
    { label: '阳光二网格', shortLabel: '01001002', value: 3 },
    { label: '阳光三网格', shortLabel: '01001003', value: 0 },
    { label: '阳光四网格', shortLabel: '01001004', value: 5 },
  ],
};

describe('chart rendering', () => {
  it('draws a PNG whose embedded figures and bar heights match the data', async () => {
    const chart = await decodeChart(renderBarChart(spec));
    expect([chart.width, chart.height]).toEqual([720, 400]);
    expect(chart.metadata.bars).toEqual(spec.bars.map((b) => ({ label: b.label, value: b.value })));
    expect(chart.metadata.scaleMax).toBe(10);
    const unit = chart.metadata.plot.height / chart.metadata.scaleMax;
    chart.barHeights.forEach((h, i) => expect(Math.abs(h - spec.bars[i].value * unit)).toBeLessThanOrEqual(1));
    expect(chart.barHeights[0]).toBeGreaterThan(chart.barHeights[3]);
    expect(chart.barHeights[2]).toBe(0);
  });

  it('falls back to ASCII labels without a CJK font and still carries the figures', async () => {
    const chart = await decodeChart(renderBarChart(spec, null));
    expect(chart.metadata.cjk).toBe(false);
    expect(chart.metadata.title).toBe('阳光社区各网格上周事件数');
    expect(chart.barHeights.map((h) => Math.round(h / (chart.metadata.plot.height / 10)))).toEqual([8, 3, 0, 5]);
  });

  it('rounds the value axis up to a readable top', () => {
    expect([0, 1, 7, 10, 11, 23, 120, 100000].map(niceMax)).toEqual([1, 1, 10, 10, 20, 25, 200, 100000]);
  });
});

describe('documents', () => {
  const doc = {
    title: '12月7日周例会纪要',
    subtitle: '周例会 · 阳光社区',
    sections: [
      { heading: '一、各网格情况', paragraphs: ['01001001 阳光一网格：上报 2'], table: { header: ['项目', '数值'], rows: [['事件', '上报 2 | 解决 1']] } },
      { heading: '会议纪要', paragraphs: ['1. 【决议】清理楼道杂物'] },
    ],
  };

  it('writes Markdown with headings, paragraphs and an escaped table', () => {
    const md = toMarkdown(doc);
    expect(md).toContain('# 12月7日周例会纪要');
    expect(md).toContain('## 一、各网格情况');
    expect(md).toContain('| 事件 | 上报 2 \\| 解决 1 |');
    expect(md).toContain('1. 【决议】清理楼道杂物');
  });

  it('writes a .docx (a zip with the Word document part)', async () => {
    const buf = await createMeetingRenderer().document(doc, 'docx');
    expect(buf.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(buf.toString('latin1')).toContain('word/document.xml');
  });
});
