// The character sheet that stays in view: level, hp, energy, matter, experience, attack, defense, world time.
import { call, session } from './api.js';
import { el, fill, picture } from './el.js';
import { t } from './i18n.js';
import { avatar, portraitUrl } from './store.js';

const node = el('section', { class: 'sheet', 'aria-label': t('sheet.label') });
export const sheet = { node, stats: null };

function bar(label, value, max, kind) {
  return el('div', { class: 'stat ' + kind },
    el('span', { class: 'head' }, el('span', { class: 'label' }, label), el('span', { class: 'value' }, `${value}/${max}`)),
    meter(label, value, max));
}

/** A bar filled to value/max (set through the CSSOM: the page's policy allows no inline style attributes). */
export function meter(label, value, max) {
  const fillNode = el('span', { class: 'fill' });
  fillNode.style.width = (max > 0 ? Math.max(0, Math.min(100, Math.round((value / max) * 100))) : 0) + '%';
  return el('span', { class: 'meter', role: 'meter', 'aria-label': label, 'aria-valuemin': '0', 'aria-valuemax': String(max),
    'aria-valuenow': String(value) }, fillNode);
}

function figure(label, value) {
  return el('span', { class: 'figure' }, el('span', { class: 'label' }, label), ' ', el('b', {}, String(value)));
}

/** Reads /status and /time again and redraws. */
export async function refreshSheet() {
  const role = session.role;
  const [status, time] = await Promise.all([call('/status', { role }), call('/time', { role })]);
  const s = status.stats;
  sheet.stats = s;
  const previous = levelBase(s.level);
  fill(node,
    el('div', { class: 'who' },
      picture(avatar.get(role) || portraitUrl(role), role, 'face'),
      el('div', {}, el('strong', { class: 'name' }, role), el('span', { class: 'level' }, t('sheet.level', { n: s.level }))),
      el('span', { class: 'time', 'aria-label': t('sheet.time') }, time.time)),
    bar(t('sheet.hp'), s.hp, s.max_hp, 'hp'),
    bar(t('sheet.energy'), s.energy, Math.max(s.energy, 100 + 10 * (s.level - 1)), 'energy'),
    bar(t('sheet.exp'), s.exp - previous, s.exp_next - previous, 'exp'),
    el('div', { class: 'figures' },
      figure(t('sheet.matter'), s.matter), figure(t('sheet.attack'), s.attack), figure(t('sheet.defense'), s.defense),
      figure(t('sheet.rating'), s.rating),
      s.tokens_budget ? figure(t('sheet.meter'), `${Math.max(0, s.tokens_budget - s.tokens_today)}/${s.tokens_budget}`) : null));
}

/** Experience at which the current level began: 100 × L × (L−1) / 2. */
function levelBase(level) {
  return (100 * level * (level - 1)) / 2;
}
