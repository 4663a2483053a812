// The forge (/merge): a skill from energy or equipment from matter, of a wished-for kind; the new thing is shown.
import { call, session } from './api.js';
import { el, fill, busy } from './el.js';
import { t } from './i18n.js';
import { refreshSheet } from './sheet.js';
import { loadKit } from './store.js';

export function craftScreen() {
  const result = el('div', { class: 'result', role: 'status' });
  const mode = (value, label, checked) => el('label', { class: 'option' },
    el('input', { type: 'radio', name: 'mode', value, checked }), ' ', label);
  const form = el('form', { class: 'card forge' },
    el('fieldset', {}, el('legend', {}, t('craft.mode')), mode('1', t('craft.item'), true), mode('0', t('craft.skill'), false)),
    el('p', { class: 'field' }, el('label', { for: 'craft-num' }, t('craft.num')),
      el('input', { id: 'craft-num', name: 'num', type: 'number', min: '1', max: '1000', value: '30', required: true })),
    el('p', { class: 'field' }, el('label', { for: 'craft-des' }, t('craft.wish')),
      el('input', { id: 'craft-des', name: 'des', type: 'text', maxLength: 200, placeholder: t('craft.wish_placeholder'), required: true })),
    el('button', { type: 'submit', class: 'primary' }, t('craft.make')));

  form.addEventListener('submit', event => {
    event.preventDefault();
    const f = form.elements;
    busy(form.querySelector('button[type=submit]'), async () => {
      try {
        const reply = await call('/merge', { role: session.role, mode: Number(f.mode.value), num: Number(f.num.value), des: f.des.value.trim() });
        const item = reply.item;
        fill(result, el('p', {}, reply.text), item ? el('p', { class: 'made' },
          t('craft.made', { kind: t('craft.kind.' + item.kind), name: item.name, power: item.power })) : null);
        await loadKit();
      } catch (e) {
        fill(result, el('p', { class: 'error' }, e.message));
      }
      refreshSheet().catch(() => {});
    });
  });

  const node = el('section', { class: 'screen craft', 'aria-label': t('nav.craft') },
    el('h2', {}, t('craft.title')), el('p', { class: 'intro' }, t('craft.intro')), form, result);
  return { node, enter() {} };
}
