/**
 * Server-side bar charts with @napi-rs/canvas (Skia, prebuilt binaries shipped in npm packages).
 * Chinese labels need a CJK font on the machine (Debian: fonts-noto-cjk); without one the chart
 * falls back to ASCII labels (unit codes, C1…Cn) and the card beside it carries the Chinese names.
 * The figures are embedded as a tEXt chunk so a reader (or a test) can check them exactly.
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { ChartSpec } from '../../bot/meetings/render-port';
import { asciiJson, withTextChunk } from './png-metadata';

export const CHART_METADATA_KEY = 'gridbot:chart';
export const BAR_COLOR = '#2f6fde';

const WIDTH = 720;
const HEIGHT = 400;
const PLOT = { left: 56, right: 24, top: 56, bottom: 84 };

/** The first installed font family that covers Chinese, or null. */
export function findCjkFamily(): string | null {
  const families = GlobalFonts.families.map((f) => f.family);
  const preferred = [/Noto Sans CJK SC/, /Noto Sans CJK/, /Noto Sans SC/, /Source Han Sans/, /WenQuanYi|WenKai|Hei|Song|Kai/i, /CJK/];
  for (const p of preferred) {
    const hit = families.find((f) => p.test(f));
    if (hit) return hit;
  }
  return null;
}

/** 0 → 1, 7 → 10, 23 → 25, 120 → 200: a round top for the value axis. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

export interface ChartMetadata {
  title: string;
  bars: { label: string; value: number }[];
  scaleMax: number;
  plot: { left: number; top: number; width: number; height: number };
  cjk: boolean;
}

export function renderBarChart(spec: ChartSpec, family: string | null = findCjkFamily()): Buffer {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const g = canvas.getContext('2d');
  const font = (px: number) => `${px}px ${family ? `"${family}", ` : ''}sans-serif`;
  const plot = { left: PLOT.left, top: PLOT.top, width: WIDTH - PLOT.left - PLOT.right, height: HEIGHT - PLOT.top - PLOT.bottom };
  const scaleMax = niceMax(Math.max(0, ...spec.bars.map((b) => b.value)));

  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, WIDTH, HEIGHT);
  g.fillStyle = '#1f2933';
  g.font = font(20);
  g.textBaseline = 'middle';
  g.fillText(family ? spec.title : spec.asciiTitle, PLOT.left, 28);

  // Value axis: five gridlines with their values.
  g.font = font(12);
  g.textAlign = 'right';
  for (let i = 0; i <= 4; i++) {
    const y = Math.round(plot.top + plot.height - (plot.height * i) / 4) + 0.5;
    g.strokeStyle = i === 0 ? '#52606d' : '#e4e7eb';
    g.beginPath();
    g.moveTo(plot.left, y);
    g.lineTo(plot.left + plot.width, y);
    g.stroke();
    g.fillStyle = '#52606d';
    g.fillText(String(Math.round((scaleMax * i) / 4 * 10) / 10), plot.left - 6, y);
  }

  const n = Math.max(1, spec.bars.length);
  const slot = plot.width / n;
  const barWidth = Math.max(2, Math.min(56, Math.floor(slot * 0.6)));
  const rotate = n > 8;
  spec.bars.forEach((bar, i) => {
    const h = Math.round((bar.value / scaleMax) * plot.height);
    const x = Math.round(plot.left + slot * i + (slot - barWidth) / 2);
    const baseline = plot.top + plot.height;
    g.fillStyle = BAR_COLOR;
    g.fillRect(x, baseline - h, barWidth, h);
    g.fillStyle = '#1f2933';
    g.textAlign = 'center';
    g.font = font(12);
    if (n <= 25) g.fillText(String(bar.value), x + barWidth / 2, baseline - h - 10);
    const label = family ? bar.label : bar.shortLabel;
    g.save();
    g.translate(x + barWidth / 2, baseline + 14);
    if (rotate) {
      g.rotate(-Math.PI / 4);
      g.textAlign = 'right';
    }
    g.font = font(rotate ? 11 : 13);
    g.fillText(label.length > 10 ? `${label.slice(0, 9)}…` : label, 0, 0);
    g.restore();
  });

  const metadata: ChartMetadata = {
    title: spec.title,
    bars: spec.bars.map((b) => ({ label: b.label, value: b.value })),
    scaleMax,
    plot,
    cjk: family !== null,
  };
  return withTextChunk(canvas.toBuffer('image/png'), CHART_METADATA_KEY, asciiJson(metadata));
}
