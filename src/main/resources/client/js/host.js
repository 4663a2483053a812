// The host console (SPEC §13): the admin token, the server's figures, the players (online first) with password
// reset, ban and kick, and a backup button. Reached from the sign-in screen; the token is kept like a player's.
import { callAdmin, hostSession } from './api.js';
import { busy, el, fill, toast } from './el.js';
import { t } from './i18n.js';
import { md5 } from './md5.js';

const PAGE = 50;

export function showHost(root, back) {
  const figures = el('p', { class: 'figures-line', role: 'status' });
  const players = el('ul', { class: 'players host-players', 'aria-label': t('host.players') });
  const more = el('button', { type: 'button', class: 'quiet', hidden: true }, t('host.more'));
  let shown = 0;

  function when(ms) {
    return new Date(ms).toLocaleString();
  }

  function row(p) {
    const minutes = el('input', { type: 'number', min: '0', max: '525600', value: '60', 'aria-label': t('host.minutes') + ': ' + p.username });
    const password = el('input', { type: 'password', autocomplete: 'new-password', placeholder: t('host.reset'), 'aria-label': t('host.reset') + ': ' + p.username });
    const act = (label, work) => {
      const b = el('button', { type: 'button', 'aria-label': label + ': ' + p.username }, label);
      b.addEventListener('click', () => busy(b, async () => {
        try {
          await work();
          toast(t('host.done'));
          refresh();
        } catch (e) {
          toast(e.message);
        }
      }));
      return b;
    };
    const banned = p.banned_until > Date.now();
    const state = [p.online ? t('host.online') : t('host.offline'), banned ? t('host.banned', { t: when(p.banned_until) }) : '']
      .filter(Boolean).join(' · ');
    return el('li', { class: 'host-player' },
      el('div', { class: 'who' }, el('strong', {}, p.username), el('span', { class: 'detail' }, p.email),
        el('span', { class: 'detail' }, t('host.row', { level: p.level, state, tokens: p.tokens_today }))),
      el('div', { class: 'host-actions' },
        password, act(t('host.reset'), () => callAdmin('/admin/password', { username: p.username, password: md5(password.value) })),
        minutes, act(banned ? t('host.unban') : t('host.ban'),
          () => callAdmin('/admin/ban', { username: p.username, minutes: banned ? 0 : Number(minutes.value) })),
        act(t('host.kick'), () => callAdmin('/admin/kick', { username: p.username }))));
  }

  async function page(offset) {
    const reply = await callAdmin('/admin/players', { offset, limit: PAGE });
    if (offset === 0) fill(players);
    reply.players.forEach(p => players.append(row(p)));
    shown = offset + reply.players.length;
    more.hidden = shown >= reply.total;
  }

  async function refresh() {
    try {
      const s = await callAdmin('/admin/status');
      figures.textContent = t('host.figures', { online: s.players_online, narrator: s.narrator, tokens: s.model_tokens_today,
        mb: (s.database_bytes / 1048576).toFixed(1), hours: (s.uptime_seconds / 3600).toFixed(1), version: s.version });
      await page(0);
    } catch (e) {
      toast(e.message);
      if (!hostSession.token) showHost(root, back);
    }
  }

  more.addEventListener('click', () => page(shown).catch(e => toast(e.message)));
  const backup = el('button', { type: 'button', class: 'primary' }, t('host.backup'));
  backup.addEventListener('click', () => busy(backup, async () => {
    try {
      toast(t('host.backed_up', { file: (await callAdmin('/admin/backup')).file }));
    } catch (e) {
      toast(e.message);
    }
  }));
  const leave = el('button', { type: 'button', class: 'quiet', onclick: back }, t('host.back'));
  const forget = el('button', { type: 'button', class: 'quiet', onclick: () => { hostSession.clear(); showHost(root, back); } }, t('host.forget'));

  if (!hostSession.token) {
    const token = el('input', { id: 'host-token', type: 'password', autocomplete: 'off', required: true });
    const form = el('form', { class: 'card' },
      el('p', { class: 'field' }, el('label', { for: 'host-token' }, t('host.token')), token),
      el('button', { type: 'submit', class: 'primary' }, t('host.enter')));
    form.addEventListener('submit', event => {
      event.preventDefault();
      hostSession.save(token.value.trim());
      showHost(root, back);
    });
    root.replaceChildren(el('main', { class: 'welcome host' }, el('h1', {}, t('host.title')), form, leave));
    token.focus();
    return;
  }
  root.replaceChildren(el('main', { class: 'host-console' },
    el('h1', {}, t('host.title')),
    el('section', { 'aria-label': t('host.status') }, el('h2', {}, t('host.status')), figures, backup),
    el('section', { 'aria-label': t('host.players') }, el('h2', {}, t('host.players')), players, more),
    el('p', {}, leave, ' ', forget)));
  refresh();
}
