// Who else is online, with their portraits, and a challenge to a duel (answered through the heartbeat); the ladder and the chronicle.
import { call, session } from './api.js';
import { el, fill, picture, toast, busy } from './el.js';
import { language, t } from './i18n.js';
import { avatar, portraitUrl, state } from './store.js';

// A challenge lives two minutes (challenge.ttl_seconds); a refusal is not reported to the challenger.
const CHALLENGE_LIFE_MS = 120_000;

/** Fetches the online list; each portrait is its own cacheable URL (the browser asks for it once), kept for the challenge prompt and the duel. */
export async function onlinePlayers() {
  const reply = await call('/get_list', { role: session.role, images: false });
  reply.roles.forEach(name => avatar.put(name, portraitUrl(name)));
  return reply.roles;
}

export function playersScreen(app) {
  const list = el('ul', { class: 'players', 'aria-label': t('players.title') });
  const sent = el('p', { class: 'sent', role: 'status' });
  const ladder = el('ol', { class: 'ladder', 'aria-label': t('players.ladder') });
  const chronicle = el('ul', { class: 'chronicle', 'aria-label': t('players.chronicle') });

  async function showLadder() {
    const reply = await call('/ladder', { role: session.role, limit: 20 });
    fill(ladder, reply.ladder.map(e => el('li', { class: e.username === session.role ? 'me' : '' },
      el('span', { class: 'name' }, e.username),
      el('span', { class: 'detail' }, t('players.record', e)))));
  }

  // the world's public deeds, newest first; each with the local time it happened
  async function showChronicle() {
    const reply = await call('/chronicle', { role: session.role, limit: 20 });
    fill(chronicle, reply.entries.length ? reply.entries.map(e => el('li', {},
      el('time', { datetime: e.time }, new Date(e.time).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' })),
      el('span', {}, e.text))) : el('li', { class: 'none' }, t('players.chronicle_none')));
  }

  async function challenge(name, button) {
    await busy(button, async () => {
      try {
        const reply = await call('/challenge', { role1: session.role, role2: name, wait: 0 });
        state.outgoing.set(reply.id, name);
        sent.textContent = t('players.sent', { name });
        const note = sent.textContent;
        setTimeout(() => { if (sent.textContent === note) sent.textContent = ''; }, CHALLENGE_LIFE_MS);
      } catch (e) {
        toast(e.message);
      }
    });
  }

  async function refresh() {
    try {
      const names = await onlinePlayers();
      fill(list, names.length ? names.map(name => {
        const button = el('button', { type: 'button', 'aria-label': t('players.challenge_label', { name }) }, t('players.challenge'));
        button.addEventListener('click', () => challenge(name, button));
        const invite = el('button', { type: 'button', class: 'invite', 'aria-label': t('party.invite_label', { name }) }, t('party.invite'));
        invite.addEventListener('click', () => busy(invite, async () => {
          try {
            await app.inviteToParty(name);
            toast(t('party.invite_sent', { name }));
          } catch (e) {
            toast(e.message);
          }
        }));
        return el('li', { class: 'player' }, picture(avatar.get(name), name, 'face'), el('span', { class: 'name' }, name), button, invite);
      }) : el('li', { class: 'none' }, t('players.none')));
      await Promise.all([showLadder(), showChronicle()]);
    } catch (e) {
      toast(e.message);
    }
  }

  const node = el('section', { class: 'screen players', 'aria-label': t('nav.players') },
    el('h2', {}, t('players.title')), list, sent,
    el('button', { type: 'button', class: 'quiet', onclick: refresh }, t('players.refresh')),
    el('h2', {}, t('players.ladder')), ladder,
    el('h2', {}, t('players.chronicle')), chronicle);
  return { node, enter: refresh, clearSent: () => { sent.textContent = ''; } };
}
