// The tasks on offer and the player's personal ones, and a wish to the DM for a new personal task.
import { call, session } from './api.js';
import { el, fill, toast } from './el.js';
import { t, world } from './i18n.js';
import { conversation } from './log.js';
import { ask, sayForm } from './talk.js';

export function questsScreen(app) {
  const common = el('ul', { class: 'tasks', 'aria-label': t('quests.common') });
  const personal = el('ul', { class: 'tasks', 'aria-label': t('quests.personal') });
  const answer = conversation(t('quests.request'));
  const wish = sayForm(t('quests.wish'), t('quests.wish_placeholder'), t('quests.ask'), async text => {
    answer.clear();
    const reply = await ask(answer, '/task_request', { text }, world.dm);
    if (reply) refresh();
  });

  function entry(name, isPersonal) {
    const label = isPersonal ? t('quests.resume') : t('quests.start');
    return el('li', {},
      el('span', { class: 'task-title' }, name),
      el('button', {
        type: 'button', 'aria-label': `${label}: ${name}`,
        onclick: async () => { if (await app.selectTask({ name, personal: isPersonal })) app.go('task'); },
      }, label));
  }

  async function refresh() {
    try {
      const role = session.role;
      const [a, b] = await Promise.all([call('/task_info', { role }), call('/task_info_personal', { role })]);
      fill(common, a.task_list.length ? a.task_list.map(n => entry(n, false)) : el('li', { class: 'none' }, t('quests.none')));
      fill(personal, b.task_list.length ? b.task_list.map(n => entry(n, true)) : el('li', { class: 'none' }, t('quests.none')));
    } catch (e) {
      toast(e.message);
    }
  }

  const node = el('section', { class: 'screen quests', 'aria-label': t('nav.quests') },
    el('h2', {}, t('quests.common')), common,
    el('h2', {}, t('quests.personal')), personal,
    el('h2', {}, t('quests.request')), wish.node, answer.node,
    el('button', { type: 'button', class: 'quiet', onclick: refresh }, t('quests.refresh')));
  return { node, enter: refresh };
}
