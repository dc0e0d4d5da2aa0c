/**
 * What WeCom's servers do to our callback URLs: encrypt the message with @wecom/crypto (random(16)
 * + length + message + ReceiveId, PKCS#7 to 32 bytes, AES-256-CBC), sign it (sha1 of the sorted
 * token, timestamp, nonce and ciphertext) and send it as msg_signature/timestamp/nonce.
 */
import crypto from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';

export interface WeComSecrets {
  token: string;
  aesKey: string;
  receiveId: string;
}

export interface SignedRequest {
  query: string;
  body: string;
  contentType: string;
}

export function randomAesKey(): string {
  return crypto.randomBytes(32).toString('base64').slice(0, 43);
}

export function signedQuery(token: string, ciphertext: string, opts: { timestamp?: number; nonce?: string } = {}): URLSearchParams {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = opts.nonce ?? String(crypto.randomInt(1e9));
  return new URLSearchParams({ msg_signature: getSignature(token, timestamp, nonce, ciphertext), timestamp, nonce });
}

/** The GET WeCom sends when an admin saves the callback URL. */
export function urlVerification(secrets: WeComSecrets, echo: string): { query: string } {
  const echostr = encrypt(secrets.aesKey, echo, secrets.receiveId);
  const query = signedQuery(secrets.token, echostr);
  query.set('echostr', echostr);
  return { query: query.toString() };
}

/** An intelligent-bot callback: JSON `{"encrypt": …}`. */
export function botCallback(secrets: WeComSecrets, payload: unknown, opts: { timestamp?: number; nonce?: string } = {}): SignedRequest {
  const ciphertext = encrypt(secrets.aesKey, JSON.stringify(payload), secrets.receiveId);
  return {
    query: signedQuery(secrets.token, ciphertext, opts).toString(),
    body: JSON.stringify({ encrypt: ciphertext }),
    contentType: 'application/json',
  };
}

/** A self-built app callback: the XML envelope around the encrypted XML message. */
export function appCallback(secrets: WeComSecrets, xml: string, opts: { timestamp?: number; nonce?: string; agentId?: string } = {}): SignedRequest {
  const ciphertext = encrypt(secrets.aesKey, xml, secrets.receiveId);
  return {
    query: signedQuery(secrets.token, ciphertext, opts).toString(),
    body: `<xml><ToUserName><![CDATA[${secrets.receiveId}]]></ToUserName><AgentID><![CDATA[${opts.agentId ?? '1000002'}]]></AgentID><Encrypt><![CDATA[${ciphertext}]]></Encrypt></xml>`,
    contentType: 'text/xml',
  };
}

/** The app's XML for one message, the way WeCom writes it (CDATA for strings). */
export function appXml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`))
    .join('');
  return `<xml>${inner}</xml>`;
}

export async function post(baseUrl: string, path: string, req: SignedRequest): Promise<{ status: number; text: string }> {
  const res = await fetch(`${baseUrl}${path}?${req.query}`, { method: 'POST', headers: { 'content-type': req.contentType }, body: req.body });
  return { status: res.status, text: await res.text() };
}
