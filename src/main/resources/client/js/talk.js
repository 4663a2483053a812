// Talking to the DM or an NPC: one text box (Enter sends) and one call whose reply is shown as it is written.
import { call, session, Refused } from './api.js';
import { el, toast } from './el.js';
import { refreshSheet } from './sheet.js';

/**
 * Sends `body` through `route` and shows the reply in `log` as it is written; `heard(reply)` sees the reply before
 * its line is finished (to keep a speaker's avatar). Resolves with the reply, or null when it was refused.
 */
export async function ask(log, route, body, speaker, heard = () => {}) {
  const line = log.writing(speaker);
  try {
    const reply = await call(route, { role: session.role, ...body }, { onDelta: line.grow });
    heard(reply);
    line.end(reply.role || speaker, reply.text);
    return reply;
  } catch (e) {
    if (e instanceof Refused) line.end(e.reply.role || speaker, e.message);
    else {
      line.remove();
      toast(e.message);
    }
    return null;
  } finally {
    refreshSheet().catch(() => {});
  }
}

/** A text box and its button that call `send(text)`; Enter sends. */
export function sayForm(label, placeholder, buttonText, send, { allowEmpty = false } = {}) {
  const input = el('input', { type: 'text', maxLength: 2000, placeholder, 'aria-label': label, autocomplete: 'off' });
  const button = el('button', { type: 'submit', class: 'primary' }, buttonText);
  const form = el('form', { class: 'say' }, input, button);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const text = input.value.trim();
    if ((!text && !allowEmpty) || button.disabled) return;
    button.disabled = true;
    input.value = '';
    try {
      await send(text);
    } finally {
      button.disabled = false;
      input.focus();
    }
  });
  return { node: form, input };
}
