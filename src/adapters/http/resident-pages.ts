/**
 * The residents' pages as plain server-rendered HTML: no framework, no inline script, readable on
 * an old phone's browser with or without JavaScript (the one small script only offers the phone's
 * location). Every text comes from the catalogue; every value is escaped.
 */
import { DateTime } from 'luxon';
import { t, type TextKey } from '../../bot/texts';
import type { OrgUnit } from '../../domain/org/org';
import type { AssessmentPeriod } from '../../domain/assessment/period';
import { MAX_DESCRIPTION_CHARS, MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_PLACE_CHARS, type PublicAccount } from '../../domain/resident';
import type { TrackingView } from '../../bot/resident-web';
import { publicAccountLines } from '../../bot/resident-web';

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const RESIDENT_CSS = `body{font-family:sans-serif;margin:0;padding:12px;background:#f5f6f8;color:#1f2933;font-size:16px;line-height:1.5}
main{max-width:640px;margin:0 auto;background:#fff;padding:12px 16px;border-radius:6px}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:17px;margin:16px 0 6px}
label{display:block;margin:12px 0 4px;font-weight:bold}
textarea,input[type=text],input[type=tel]{width:100%;box-sizing:border-box;font-size:16px;padding:6px;border:1px solid #9aa5b1}
textarea{height:7em}
button,input[type=submit]{font-size:17px;padding:8px 20px;margin-top:14px;background:#2f6fde;color:#fff;border:0;border-radius:4px}
.hidden{display:none}.note{color:#52606d;font-size:14px}.error{color:#b42318;font-weight:bold}.ok{color:#067647;font-weight:bold}
.link{word-break:break-all;background:#eef2f7;padding:8px}
dl dt{font-weight:bold;margin-top:8px}dl dd{margin:0}
ol.steps li{margin:4px 0}img.photo{max-width:100%;margin:4px 0}
.figures li{margin:4px 0;font-size:17px}`;

/** Offers the phone's location; the page works the same without it (the place line). */
export const LOCATE_JS = `(function(){
var b=document.getElementById('locate');if(!b||!navigator.geolocation)return;
b.className='';b.onclick=function(){var s=document.getElementById('locate-state');
navigator.geolocation.getCurrentPosition(function(p){document.getElementById('lat').value=p.coords.latitude.toFixed(6);document.getElementById('lng').value=p.coords.longitude.toFixed(6);s.textContent=b.getAttribute('data-ok');},
function(){s.textContent=b.getAttribute('data-failed');},{timeout:15000,maximumAge:60000});};
})();`;

export interface PageAssets {
  css: string;
  js: string;
}

function layout(title: string, body: string, assets: PageAssets, script = false): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><link rel="stylesheet" href="${assets.css}"></head><body><main>${body}</main>${script ? `<script src="${assets.js}"></script>` : ''}</body></html>`;
}

export function messagePage(title: string, lines: { text: string; cls?: string }[], assets: PageAssets, back?: string): string {
  const body = `<h1>${escapeHtml(title)}</h1>${lines.map((l) => `<p${l.cls ? ` class="${l.cls}"` : ''}>${escapeHtml(l.text)}</p>`).join('')}${back ? `<p><a href="${escapeHtml(back)}">${escapeHtml(t('resident.back'))}</a></p>` : ''}`;
  return layout(title, body, assets);
}

export interface FormValues {
  description: string;
  place: string;
  phone: string;
}

export function reportPage(input: { grid: OrgUnit; gridworkers: string[]; nonce: string; error?: string; values?: FormValues; assets: PageAssets }): string {
  const { grid } = input;
  const v = input.values ?? { description: '', place: '', phone: '' };
  const title = t('resident.page.title', { grid: grid.name });
  const mb = String(MAX_PHOTO_BYTES / 1024 / 1024);
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(t('resident.page.intro', { grid: grid.name, gridworkers: input.gridworkers.join('、') || '—' }))}</p>`,
    input.error ? `<p class="error" id="error">${escapeHtml(input.error)}</p>` : '',
    `<form method="post" action="/r/${encodeURIComponent(grid.code)}" enctype="multipart/form-data" accept-charset="utf-8">`,
    `<input type="hidden" name="nonce" value="${escapeHtml(input.nonce)}">`,
    `<label for="description">${escapeHtml(t('resident.page.description', { max: String(MAX_DESCRIPTION_CHARS) }))}</label>`,
    `<textarea id="description" name="description" maxlength="${MAX_DESCRIPTION_CHARS}" required>${escapeHtml(v.description)}</textarea>`,
    `<label for="place">${escapeHtml(t('resident.page.place', { max: String(MAX_PLACE_CHARS) }))}</label>`,
    `<input type="text" id="place" name="place" maxlength="${MAX_PLACE_CHARS}" value="${escapeHtml(v.place)}">`,
    `<input type="hidden" id="lat" name="lat" value=""><input type="hidden" id="lng" name="lng" value="">`,
    `<button type="button" id="locate" class="hidden" data-ok="${escapeHtml(t('resident.page.located'))}" data-failed="${escapeHtml(t('resident.page.locateFailed'))}">${escapeHtml(t('resident.page.locate'))}</button> <span id="locate-state" class="note"></span>`,
    `<label for="photos">${escapeHtml(t('resident.page.photos', { count: String(MAX_PHOTOS), mb }))}</label>`,
    `<input type="file" id="photos" name="photos" accept="image/jpeg,image/png,image/webp" multiple>`,
    `<label for="phone">${escapeHtml(t('resident.page.phone'))}</label>`,
    `<input type="tel" id="phone" name="phone" maxlength="20" value="${escapeHtml(v.phone)}">`,
    `<p class="note">${escapeHtml(t('resident.page.privacy'))}</p>`,
    `<input type="submit" id="submit" value="${escapeHtml(t('resident.page.submit'))}">`,
    `</form>`,
  ].join('');
  return layout(title, body, input.assets, true);
}

const formatTime = (at: Date, zone: string) => DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm');
const stateName = (state: string) => t(`event.state.${state}` as TextKey);

export function trackingPage(input: { view: TrackingView; token: string; zone: string; flash?: { text: string; cls: string }; assets: PageAssets; fresh: boolean; link: string }): string {
  const { view } = input;
  const title = t('resident.track.title', { number: view.number });
  const dl = (key: TextKey, value: string, id?: string) => `<dt>${escapeHtml(t(key))}</dt><dd${id ? ` id="${id}"` : ''}>${escapeHtml(value)}</dd>`;
  const steps = view.steps.map((s) => `<li>${escapeHtml(formatTime(s.at, input.zone))} ${escapeHtml(t(`event.action.${s.action}` as TextKey))} → ${escapeHtml(stateName(s.to))}</li>`).join('');
  const reopened = view.steps.some((s) => s.action === 'rate' && s.to !== 'rated');
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    input.fresh ? `<p class="ok" id="received">${escapeHtml(t('resident.page.done', { number: view.number }))}</p><p>${escapeHtml(t('resident.page.keepLink'))}</p><p class="link" id="tracking-link">${escapeHtml(input.link)}</p>` : '',
    input.flash ? `<p class="${input.flash.cls}" id="flash">${escapeHtml(input.flash.text)}</p>` : '',
    view.canRate ? `<p class="ok" id="closed-notice">${escapeHtml(t('resident.track.closedNotice'))}</p>` : '',
    `<dl>`,
    dl('resident.track.grid', view.grid.name),
    dl('resident.track.state', stateName(view.state), 'state'),
    dl('resident.track.category', view.category),
    dl('resident.track.reportedAt', formatTime(view.reportedAt, input.zone)),
    dl('resident.track.description', view.description, 'description'),
    view.location ? dl('resident.track.location', view.location) : '',
    view.result ? dl('resident.track.result', view.result, 'result') : '',
    `</dl>`,
    view.photos.length ? `<h2>${escapeHtml(t('resident.track.photos'))}</h2>${view.photos.map((p) => `<img class="photo" alt="" src="${escapeHtml(new URL(p, 'http://x').pathname)}">`).join('')}` : '',
    `<h2>${escapeHtml(t('resident.track.steps'))}</h2><ol class="steps" id="steps">${steps}</ol>`,
    view.rating && !view.canRate ? `<p id="rating">${escapeHtml(t('resident.track.rated', { rating: t(`event.rating.${view.rating}` as TextKey) }))}</p>` : '',
    reopened && !view.canRate && view.state !== 'rated' ? `<p id="reopened">${escapeHtml(t('resident.track.reopened'))}</p>` : '',
    view.canRate
      ? `<form method="post" action="/r/t/${escapeHtml(input.token)}/rate" id="rate-form"><h2>${escapeHtml(t('resident.track.rate'))}</h2>` +
        (['satisfied', 'basically_satisfied', 'unsatisfied'] as const).map((r) => `<label><input type="radio" name="rating" value="${r}"${r === 'satisfied' ? ' checked' : ''}> ${escapeHtml(t(`event.rating.${r}`))}</label>`).join('') +
        `<label for="reason">${escapeHtml(t('resident.track.reason'))}</label><textarea id="reason" name="reason" maxlength="${MAX_DESCRIPTION_CHARS}"></textarea><input type="submit" id="rate" value="${escapeHtml(t('resident.track.rate'))}"></form>`
      : '',
  ].join('');
  return layout(title, body, input.assets);
}

export function publicPage(input: { unit: OrgUnit; period: AssessmentPeriod; account: PublicAccount; zone: string; assets: PageAssets }): string {
  const title = t('public.title', { unit: input.unit.name, period: input.period.label });
  const { figures, examples } = publicAccountLines(input.account, input.zone);
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    `<ul class="figures" id="figures">${figures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`,
    `<h2>${escapeHtml(t('public.examplesHeading'))}</h2>`,
    examples.length ? `<ul id="examples">${examples.map((e) => `<li>${escapeHtml(e)}</li>`).join('')}</ul>` : `<p id="examples">${escapeHtml(t('public.noExamples'))}</p>`,
    `<p class="note">${escapeHtml(t('public.footer'))}</p>`,
  ].join('');
  return layout(title, body, input.assets);
}
