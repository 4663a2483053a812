// Encounters (/others): the page offers one from the world's list (or the player describes their own) and the
// player answers it; who answers and what changed are shown.
import { el, fill } from './el.js';
import { t, world } from './i18n.js';
import { conversation } from './log.js';
import { session } from './api.js';
import { ask, sayForm } from './talk.js';

export function eventScreen() {
  const scene = el('p', { class: 'scene' });
  const own = el('input', { type: 'text', maxLength: 2000, 'aria-label': t('event.describe'), placeholder: t('event.describe') });
  const log = conversation(t('event.title'));
  const outcome = el('p', { class: 'outcome', role: 'status' });
  let index = Math.floor(Math.random() * Math.max(1, world.encounters.length));

  function next() {
    index = (index + 1) % Math.max(1, world.encounters.length);
    scene.textContent = world.encounters[index] || '';
    own.value = '';
    log.clear();
    fill(outcome);
  }

  const answer = sayForm(t('event.answer'), t('event.placeholder'), t('event.go'), async text => {
    const info = own.value.trim() || scene.textContent;
    log.say(session.role, text, { mine: true });
    const reply = await ask(log, '/others', { info, text }, world.dm);
    if (reply) fill(outcome, reply.other);
  });

  const node = el('section', { class: 'screen event', 'aria-label': t('nav.event') },
    el('h2', {}, t('event.title')), el('div', { class: 'card scene-card' }, scene,
      el('button', { type: 'button', class: 'quiet', onclick: next }, t('event.other'))),
    own, log.node, outcome, answer.node);
  next();
  return { node, enter() { answer.input.focus({ preventScroll: true }); } };
}
