// The task under way: its picture, the NPCs' lines with their faces, the kit to use this turn, the reward.
import { call, session, Refused } from './api.js';
import { el, fill, toast } from './el.js';
import { t, world } from './i18n.js';
import { conversation, kitChips } from './log.js';
import { refreshSheet } from './sheet.js';
import { activeTask, avatar, loadKit, seenRoles, state } from './store.js';
import { ask, sayForm } from './talk.js';

export function taskScreen(app) {
  const title = el('h2', { class: 'task-name' });
  const art = el('figure', { class: 'art' });
  const log = conversation(t('chat.log'));
  const chips = kitChips(state);
  const reward = el('div', { class: 'reward', hidden: true, role: 'status' });
  const form = sayForm(t('task.act'), t('task.placeholder'), t('task.act'), play);
  const none = el('div', { class: 'empty' }, el('p', {}, t('task.none')),
    el('button', { type: 'button', onclick: () => app.go('quests') }, t('nav.quests')));
  const playing = el('div', { class: 'playing' }, title, art, log.node, reward, chips.node, form.node);
  const node = el('section', { class: 'screen task', 'aria-label': t('nav.task') }, none, playing);
  let current = null;

  function show(task, picture, opening) {
    current = task;
    activeTask.set(task);
    title.textContent = task.name;
    fill(art, picture
      ? el('img', { src: 'data:image/png;base64,' + picture, alt: t('task.picture', { name: task.name }) })
      : null);
    art.hidden = !picture;
    log.clear();
    reward.hidden = true;
    form.node.hidden = false;
    chips.reset();
    if (opening) log.say(world.dm, opening);
    render();
  }

  function render() {
    none.hidden = !!current;
    playing.hidden = !current;
  }

  async function play(text) {
    if (!current) return;
    const task = current;
    const used = chips.chosen();
    log.say(session.role, text, { mine: true });
    const reply = await ask(log, '/feedback', { text, ...used, roles: seenRoles.of(task.name) }, world.dm, r => {
      if (r.npc_status && r.image_data && r.role !== world.dm) avatar.put(r.role, r.image_data); // the DM keeps its own mark
      seenRoles.add(task.name, r.role);
    });
    if (!reply) return;
    chips.reset();
    if (reply.status) finish(reply.reward || {});
  }

  function finish(granted) {
    const parts = Object.entries(granted).map(([k, v]) => (Array.isArray(v) ? `${t('task.items')}: ${v.join(', ')}` : `${k} +${v}`));
    fill(reward, el('strong', {}, t('task.reward')), ' ', parts.join(' · '),
      el('button', { type: 'button', onclick: () => app.go('quests') }, t('task.back')));
    reward.hidden = false;
    form.node.hidden = true;
    activeTask.set(null);
    loadKit().catch(() => {});
  }

  /** Makes a task the active one (/select or /select_personal) and shows its first line. */
  async function select(task) {
    try {
      const reply = await call(task.personal ? '/select_personal' : '/select', { role: session.role, task_name: task.name });
      show(task, reply.image_data, reply.text);
      refreshSheet().catch(() => {});
      return true;
    } catch (e) {
      toast(e.message);
      if (e instanceof Refused) activeTask.set(null);
      return false;
    }
  }

  return {
    node,
    /** A task the DM just started: already active on the server (personal or common: the lists say which). */
    async opened(task) {
      show({ name: task.name, personal: false }, task.picture, task.opening);
      const mine = await call('/task_info_personal', { role: session.role }).catch(() => ({ task_list: [] }));
      if (current && current.name === task.name && mine.task_list.includes(task.name)) {
        current = { name: task.name, personal: true };
        activeTask.set(current);
      }
    },
    select,
    enter() {
      const stored = activeTask.get();
      if (!current && stored) select(stored); // after a reload: resume where it stood
      render();
      if (current) form.input.focus({ preventScroll: true });
    },
    kitChanged: () => chips.render(),
  };
}
