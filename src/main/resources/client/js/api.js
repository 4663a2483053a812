// The one module that talks to the server: the session token, errors in words, 401 → sign-in, streamed replies.
import { t } from './i18n.js';

const TOKEN = 'tw.token';
const ROLE = 'tw.role';

export const session = {
  get token() { return localStorage.getItem(TOKEN); },
  get role() { return localStorage.getItem(ROLE); },
  save(role, token) {
    localStorage.setItem(ROLE, role);
    localStorage.setItem(TOKEN, token);
  },
  clear() {
    localStorage.removeItem(TOKEN);
    localStorage.removeItem(ROLE);
  },
};

/** A reply whose status_code is not 200: a game outcome in words (`reply.text`, `reply.reason`…). */
export class Refused extends Error {
  constructor(reply) {
    super(reply.reason || reply.text || reply.message || t('error.refused'));
    this.reply = reply;
    this.code = reply.status_code;
    this.error = reply.error;
  }
}

const ADMIN = 'tw.admin';

/** The host's admin token, kept like a player's token (never a cookie). */
export const hostSession = {
  get token() { return localStorage.getItem(ADMIN); },
  save(token) { localStorage.setItem(ADMIN, token); },
  clear() { localStorage.removeItem(ADMIN); },
};

/** A host route (/admin/...) with the admin token; a 401 forgets the token. */
export async function callAdmin(path, body = {}) {
  let res;
  try {
    res = await fetch(path, {
      method: 'POST', cache: 'no-store', body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + (hostSession.token || '') },
    });
  } catch {
    throw new Failed(t('error.network'));
  }
  const reply = await readJson(res);
  if (res.status === 401 || res.status === 404) {
    hostSession.clear();
    throw new Failed(t('host.denied'));
  }
  if (res.status === 429) throw new Failed(t('error.too_fast', { s: res.headers.get('Retry-After') || '1' }));
  if (res.status !== 200) throw new Failed(reply.message || t('error.http', { code: res.status }));
  if (reply.status_code !== 200) throw new Refused(reply);
  return reply;
}

/** The request could not be served (network, HTTP 4xx/5xx). */
export class Failed extends Error {}

let signedOut = () => {};
/** Called when the server no longer accepts the session (HTTP 401). */
export function onSignedOut(fn) { signedOut = fn; }

/**
 * POSTs `body` to `path` and resolves with the reply (status_code 200), or rejects with Refused / Failed.
 * With `onDelta`, asks for a streamed reply and calls onDelta(piece) as the text arrives (SPEC §11).
 */
export async function call(path, body = {}, { onDelta } = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  if (onDelta) headers.Accept = 'text/event-stream, application/json';
  let res;
  try {
    res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new Failed(t('error.network'));
  }
  const type = res.headers.get('Content-Type') || '';
  const reply = type.startsWith('text/event-stream') ? await readStream(res, onDelta) : await readJson(res);
  if (res.status === 401) {
    if (session.token) {
      session.clear();
      signedOut();
    }
    throw new Failed(t('error.signed_out'));
  }
  if (res.status === 429) throw new Failed(t('error.too_fast', { s: res.headers.get('Retry-After') || '1' }));
  if (res.status === 503) throw new Failed(t('error.closing'));
  if (res.status !== 200) throw new Failed(reply.message || t('error.http', { code: res.status }));
  if (reply.status_code !== 200) throw new Refused(reply);
  return reply;
}

async function readJson(res) {
  try {
    return await res.json();
  } catch {
    return { status_code: res.status, message: t('error.http', { code: res.status }) };
  }
}

/** Server-sent events: `delta` pieces, then one `done` with the whole reply. */
async function readStream(res, onDelta) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let done = null;
  for (;;) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event.name === 'delta' && onDelta) onDelta(event.data.text || '');
      if (event.name === 'done') done = event.data;
    }
  }
  if (!done) throw new Failed(t('error.broken_stream'));
  return done;
}

function parseEvent(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  try {
    return { name, data: JSON.parse(data.join('\n')) };
  } catch {
    return { name: 'broken', data: {} };
  }
}
