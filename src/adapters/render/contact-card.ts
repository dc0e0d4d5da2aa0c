/**
 * The 网格联系卡: a printable PNG with the grid's name, its gridworkers and a QR code to the
 * residents' report page (`/r/<grid code>`), drawn with @napi-rs/canvas; the QR matrix comes from
 * `qrcode` (error correction M, so a slightly worn print still scans). The page address is also
 * embedded as PNG text metadata (`gridbot:contact-card`) so a reader can check it without a camera.
 */
import { createCanvas } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import { t } from '../../bot/texts';
import { findCjkFamily } from './bar-chart';
import { asciiJson, withTextChunk } from './png-metadata';

export const CONTACT_CARD_METADATA_KEY = 'gridbot:contact-card';
const WIDTH = 600;
const HEIGHT = 860;
const QR_SIZE = 440;

export interface ContactCardSpec {
  gridName: string;
  gridCode: string;
  gridworkers: string[];
  url: string;
}

export function renderContactCard(spec: ContactCardSpec, family: string | null = findCjkFamily()): Buffer {
  const canvas = createCanvas(WIDTH, HEIGHT);
  const g = canvas.getContext('2d');
  const font = (px: number, bold = false) => `${bold ? 'bold ' : ''}${px}px ${family ? `"${family}", ` : ''}sans-serif`;
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, WIDTH, HEIGHT);
  g.fillStyle = '#2f6fde';
  g.fillRect(0, 0, WIDTH, 110);
  g.fillStyle = '#ffffff';
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.font = font(34, true);
  g.fillText(family ? t('resident.card.title', { grid: spec.gridName }) : spec.gridCode, WIDTH / 2, 55, WIDTH - 40);
  g.fillStyle = '#1f2933';
  g.font = font(24);
  const workers = spec.gridworkers.length ? t('resident.card.gridworker', { names: spec.gridworkers.join('、') }) : t('resident.card.noGridworker');
  g.fillText(family ? workers : spec.gridCode, WIDTH / 2, 150, WIDTH - 40);

  const qr = QRCode.create(spec.url, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const quiet = 4;
  const cell = Math.floor(QR_SIZE / (modules + quiet * 2));
  const side = cell * (modules + quiet * 2);
  const left = Math.round((WIDTH - side) / 2);
  const top = 190;
  g.fillStyle = '#ffffff';
  g.fillRect(left, top, side, side);
  g.fillStyle = '#000000';
  for (let y = 0; y < modules; y++) for (let x = 0; x < modules; x++) if (qr.modules.get(y, x)) g.fillRect(left + (x + quiet) * cell, top + (y + quiet) * cell, cell, cell);

  g.fillStyle = '#1f2933';
  g.font = font(26, true);
  g.fillText(family ? t('resident.card.scan') : 'Scan to report', WIDTH / 2, top + side + 40, WIDTH - 40);
  g.font = font(18);
  g.fillStyle = '#52606d';
  g.fillText(family ? t('resident.card.footer') : spec.url, WIDTH / 2, top + side + 80, WIDTH - 40);
  const png = canvas.toBuffer('image/png');
  return withTextChunk(png, CONTACT_CARD_METADATA_KEY, asciiJson({ grid: spec.gridCode, url: spec.url }));
}
