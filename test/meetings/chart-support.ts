/** Reads a chart PNG back: size, embedded figures, and the drawn height of each bar in pixels. */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { CHART_METADATA_KEY, BAR_COLOR, type ChartMetadata } from '../../src/adapters/render/bar-chart';
import { isPng, pngSize, textChunks } from '../../src/adapters/render/png-metadata';

export interface DecodedChart {
  width: number;
  height: number;
  metadata: ChartMetadata;
  /** Heights of the bars as drawn, left to right, measured from the pixels. */
  barHeights: number[];
}

export async function decodeChart(png: Buffer): Promise<DecodedChart> {
  if (!isPng(png)) throw new Error('not a PNG');
  const { width, height } = pngSize(png);
  const metadata = JSON.parse(textChunks(png)[CHART_METADATA_KEY]) as ChartMetadata;
  const image = await loadImage(png);
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const { data } = g.getImageData(0, 0, width, height);
  const [r, gr, b] = [1, 3, 5].map((i) => parseInt(BAR_COLOR.slice(i, i + 2), 16));
  const isBar = (x: number, y: number) => {
    const o = (y * width + x) * 4;
    return data[o] === r && data[o + 1] === gr && data[o + 2] === b;
  };
  // Measure each bar's middle column upwards from the row just above the axis.
  const baseline = metadata.plot.top + metadata.plot.height - 1;
  const barHeights: number[] = [];
  const slot = metadata.plot.width / Math.max(1, metadata.bars.length);
  for (let i = 0; i < metadata.bars.length; i++) {
    const center = Math.round(metadata.plot.left + slot * i + slot / 2);
    let h = 0;
    while (baseline - h >= metadata.plot.top && isBar(center, baseline - h)) h++;
    barHeights.push(h);
  }
  return { width, height, metadata, barHeights };
}

export function dataUrlPng(url: string): Buffer {
  const m = /^data:image\/png;base64,(.+)$/.exec(url);
  if (!m) throw new Error(`not a PNG data URL: ${url.slice(0, 40)}`);
  return Buffer.from(m[1], 'base64');
}
