// The bag and the skills: what the player owns, with power, count and cost.
import { el, fill } from './el.js';
import { t } from './i18n.js';
import { state } from './store.js';

function card(name, detail, description) {
  return el('li', { class: 'thing' }, el('strong', {}, name), el('span', { class: 'detail' }, detail),
    el('p', {}, description));
}

export function bagScreen() {
  const equipment = el('ul', { class: 'things', 'aria-label': t('bag.equipment') });
  const skills = el('ul', { class: 'things', 'aria-label': t('bag.skills') });

  function render() {
    const items = Object.entries(state.bag);
    const known = Object.entries(state.skills);
    fill(equipment, items.length ? items.map(([name, it]) =>
      card(name, [t('bag.power', { n: it.power }), it.count > 1 ? t('bag.count', { n: it.count }) : ''].join(' '), it.description))
      : el('li', { class: 'none' }, t('bag.empty')));
    fill(skills, known.length ? known.map(([name, s]) =>
      card(name, t('bag.power', { n: s.power }) + ' · ' + t('bag.cost', { n: s.cost }), s.description))
      : el('li', { class: 'none' }, t('bag.empty')));
  }

  const node = el('section', { class: 'screen bag', 'aria-label': t('nav.bag') },
    el('h2', {}, t('bag.equipment')), equipment, el('h2', {}, t('bag.skills')), skills);
  return { node, enter: render, kitChanged: render };
}
