// The DM: a greeting that names the tasks on entering, then chat. A reply that starts a task opens it.
import { session } from './api.js';
import { el } from './el.js';
import { t, world } from './i18n.js';
import { conversation } from './log.js';
import { ask, sayForm } from './talk.js';

export function dmScreen(app) {
  const log = conversation(t('chat.log'));
  let greeted = false;

  async function talk(text) {
    if (text) log.say(session.role, text, { mine: true });
    const reply = await ask(log, '/main', { text }, world.dm);
    if (reply && reply.status && reply.task_name) {
      app.openTask({ name: reply.task_name, picture: reply.subimg, opening: reply.text });
    }
  }

  const form = sayForm(t('chat.input'), t('chat.placeholder'), t('chat.send'), talk);
  const node = el('section', { class: 'screen dm', 'aria-label': t('nav.dm') }, log.node, form.node);
  return {
    node,
    enter() {
      if (!greeted) {
        greeted = true;
        talk('');
      }
      form.input.focus({ preventScroll: true });
    },
  };
}
