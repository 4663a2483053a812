// A conversation: lines with the speaker's name and picture, a "… is writing" line while a reply is on its way,
// and the reply's text growing as it streams in. Every word goes in as text.
import { el, picture } from './el.js';
import { t } from './i18n.js';
import { avatar } from './store.js';

export function conversation(label) {
  const list = el('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': label });

  function line(speaker, text, { mine = false, kind = '' } = {}) {
    const body = el('p', { class: 'words' }, text);
    const item = el('li', { class: ['line', mine ? 'mine' : '', kind].join(' ').trim() },
      mine ? null : picture(avatar.get(speaker), speaker, 'face'),
      el('div', { class: 'bubble' }, el('span', { class: 'who' }, mine ? t('you') : speaker), body));
    list.append(item);
    item.scrollIntoView({ block: 'end', behavior: 'smooth' });
    return { item, body };
  }

  return {
    node: list,
    /** A line of the scene's own (someone joined, left): no speaker, no face. */
    note(text) {
      const item = el('li', { class: 'line note' }, el('p', { class: 'words' }, text));
      list.append(item);
      return item;
    },
    /** A finished line. */
    say: (speaker, text, options) => line(speaker, text, options).item,
    /** A line being written: `grow(piece)` while it streams, `end(speaker, text)` with the final words. */
    writing(who) {
      const { item, body } = line(who, t('chat.writing', { who }), { kind: 'writing' });
      let streamed = '';
      return {
        grow(piece) {
          streamed += piece;
          item.classList.remove('writing');
          body.textContent = streamed;
        },
        end(speaker, text) {
          item.classList.remove('writing');
          item.querySelector('.who').textContent = speaker;
          item.querySelector('.face').replaceWith(picture(avatar.get(speaker), speaker, 'face'));
          body.textContent = text;
          item.scrollIntoView({ block: 'end', behavior: 'smooth' });
        },
        remove: () => item.remove(),
      };
    },
    clear: () => list.replaceChildren(),
  };
}

/** Toggle chips for the items and skills a player can use this turn; `chosen()` gives {items, skills}. */
export function kitChips(state) {
  const box = el('fieldset', { class: 'chips' }, el('legend', {}, t('task.use')));
  let picked = { items: new Set(), skills: new Set() };

  function chip(kind, name, detail) {
    const button = el('button', {
      type: 'button', class: 'chip ' + kind, 'aria-pressed': String(picked[kind].has(name)),
      title: detail,
      onclick: () => {
        if (picked[kind].has(name)) picked[kind].delete(name); else picked[kind].add(name);
        button.setAttribute('aria-pressed', String(picked[kind].has(name)));
      },
    }, name);
    return button;
  }

  function render() {
    box.replaceChildren(el('legend', {}, t('task.use')));
    for (const [name, item] of Object.entries(state.bag)) box.append(chip('items', name, t('bag.power', { n: item.power })));
    for (const [name, skill] of Object.entries(state.skills)) {
      box.append(chip('skills', name, t('bag.power', { n: skill.power }) + ' · ' + t('bag.cost', { n: skill.cost })));
    }
  }

  render();
  return {
    node: box,
    render,
    chosen: () => ({ items: [...picked.items], skills: [...picked.skills] }),
    reset() {
      picked = { items: new Set(), skills: new Set() };
      render();
    },
  };
}
