// Party chat beside the scene (SPEC §16): what the members say and who came and went. It never reaches the DM. On a
// reload its last lines are read again from /party_wait's events, so the page finds the chat as it was.
import { call, session } from './api.js';
import { el } from './el.js';
import { t } from './i18n.js';
import { conversation } from './log.js';
import { sayForm } from './talk.js';

const RECALLED = 40; // the events read again on a reload for the chat's last lines

/** The chat's panel; `say(text)` sends a line to the party. */
export function partyChat(say) {
  const log = conversation(t('party.chat'));
  const form = sayForm(t('party.chat_label'), t('party.chat_placeholder'), t('party.say'), say);
  const node = el('aside', { class: 'party-chat', 'aria-label': t('party.chat') }, el('h3', {}, t('party.chat')), log.node, form.node);

  /** A chat event or a member coming or going; any other event is the scene's. */
  function heard(event) {
    if (event.kind === 'chat') log.say(event.name, event.text, { mine: event.name === session.role });
    else if (event.kind === 'joined' || event.kind === 'left') log.note(t('party.' + event.kind, { name: event.name }));
  }

  /** The chat as it was up to event `upTo` (the events after it come through the page's wait). */
  async function recall(upTo) {
    log.clear();
    try {
      const earlier = await call('/party_wait', { role: session.role, after: Math.max(0, upTo - RECALLED), wait: 0 });
      for (const event of earlier.events) if (event.n <= upTo) heard(event);
    } catch {
      // the chat starts empty; what is said from now on comes as before
    }
  }

  return { node, heard, recall, clear: () => log.clear() };
}
