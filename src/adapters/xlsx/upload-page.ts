/** The upload page of the organisation import: pick the filled template, see the result or each bad row. */
import { t } from '../../bot/texts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** What an upload page names: its title, what to say when expired, and its template. */
export interface UploadPageTexts {
  title: string;
  expired: string;
  templateUrl: string;
  templateName: string;
}

const ORG_PAGE = (): UploadPageTexts => ({ title: t('import.page.title'), expired: t('import.page.expired'), templateUrl: `/files/xlsx/template/${encodeURIComponent('组织导入模板.xlsx')}`, templateName: '组织导入模板.xlsx' });

export function uploadPage(valid: boolean, texts: UploadPageTexts = ORG_PAGE()): string {
  const title = escape(texts.title);
  if (!valid) return `<!doctype html><meta charset="utf-8"><title>${title}</title><p>${escape(texts.expired)}</p>`;
  return `<!doctype html>
<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<h1>${title}</h1>
<p><a href="${escape(texts.templateUrl)}">${escape(texts.templateName)}</a></p>
<input type="file" id="f" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
<button id="go">上传并导入</button>
<pre id="out"></pre>
<script>
document.getElementById('go').onclick = async () => {
  const file = document.getElementById('f').files[0];
  if (!file) return;
  const res = await fetch(location.pathname, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
  const body = await res.json();
  document.getElementById('out').textContent = body.ok ? body.message : body.errors.join('\\n');
};
</script>`;
}
