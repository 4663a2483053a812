// The party screen's pieces drawn from a /party_status (SPEC §16): every member with their portrait, level, state and
// hp, the leader's kick buttons, the tasks the leader may start, the ready check's question and "waiting for".
// party.js owns the state and the requests; these only draw.
import { el, fill, picture } from './el.js';
import { t } from './i18n.js';
import { meter } from './sheet.js';
import { portraitUrl } from './store.js';

/** The members' list items; `kick(name)` when `me` leads. */
export function memberItems(status, me, kick) {
  const playing = status.task && status.deadline;
  return status.members.map(m => {
    const remove = status.leader === me && m.name !== me
      ? el('button', { type: 'button', class: 'quiet', 'aria-label': t('party.kick_label', { name: m.name }), onclick: e => kick(e, m.name) },
        t('party.kick')) : null;
    const badge = m.name === status.leader ? t('party.leader') : t('party.state.' + m.state);
    const mark = playing ? (m.acted ? t('party.has_acted') : '') : (status.task && m.ready ? t('party.is_ready') : '');
    return el('li', { class: 'member ' + m.state },
      picture(portraitUrl(m.name), m.name, 'face'),
      el('div', { class: 'member-body' },
        el('strong', {}, m.name), el('span', { class: 'detail' }, ` ${t('sheet.level', { n: m.level })} · ${badge} ${mark}`),
        meter(t('battle.hp_of', { name: m.name }), m.hp, m.max_hp)),
      remove);
  });
}

/** The tasks the party may take, each with its start button (again with those ready, during a ready check). */
export function taskItems(names, status, start) {
  const readyCount = status.members.filter(m => m.ready).length;
  return names.map(name => {
    const again = status.task === name && readyCount >= 2 && readyCount < status.members.length;
    const button = el('button', { type: 'button', class: 'primary', onclick: e => start(e, name) },
      again ? t('party.start_ready', { n: readyCount }) : t('party.start'));
    return el('li', {}, el('span', { class: 'task-title' }, name), button);
  });
}

/** Asks in `dialog` whether the player is ready for the leader's task; `answer(yes)` once, Escape meaning not yet. */
export function askReady(dialog, status, answer) {
  const once = yes => {
    dialog.close();
    answer(yes);
  };
  fill(dialog,
    el('h2', { id: 'ready-title' }, t('party.ready_title')),
    el('p', {}, t('party.ready_ask', { task: status.task, name: status.leader })),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'primary', onclick: () => once(true) }, t('party.ready')),
      el('button', { type: 'button', onclick: () => once(false) }, t('party.not_ready'))));
  dialog.onkeydown = e => { if (e.key === 'Escape') { e.preventDefault(); once(false); } };
  if (!dialog.open) dialog.showModal();
}

/** "Waiting for Wren, Moss (0:47)" at `now`, or that the DM is telling once nobody is waited for. */
export function waitingText(status, now) {
  const left = Math.max(0, Math.round((Date.parse(status.deadline) - now) / 1000));
  const names = status.members.filter(m => m.state === 'active' && !m.acted).map(m => m.name);
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return names.length ? t('party.waiting', { names: names.join(t('party.and')), time: clock }) : t('party.telling');
}
