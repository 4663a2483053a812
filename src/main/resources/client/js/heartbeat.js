// The heartbeat: /refrash every 5 s while the page is open (every 2 s in a duel). It brings challenges addressed
// to the player (a prompt to accept or refuse, with the challenger's portrait), the acceptance of the player's own
// challenges (the duel opens) and, in a duel, each judged round.
import { call, session } from './api.js';
import { el, fill, picture, toast } from './el.js';
import { t } from './i18n.js';
import { onlinePlayers } from './players.js';
import { avatar, state } from './store.js';

const IDLE_MS = 5000;
const DUEL_MS = 2000;

export function heartbeat(app) {
  const prompted = new Set();
  const queue = [];
  const dialog = el('dialog', { class: 'challenge', 'aria-labelledby': 'challenge-title' });
  document.body.append(dialog);
  let timer = null;
  let stopped = false;
  let asking = null; // the challenge the open prompt asks about: {id, from}

  async function beat() {
    timer = null;
    const battle = state.battle && !state.battle.over ? state.battle : null;
    try {
      const reply = await call('/refrash', { role: session.role, ...(battle ? { battle_id: battle.id } : {}) });
      incoming(reply.id_list || [], reply.role_list || []);
      accepted(reply.accept_id || []);
      if (battle && (reply.role_text !== null || reply.status)) app.battleNews(reply);
      invited(reply.party_invites || []);
    } catch (e) {
      if (!stopped) toast(e.message);
    }
    schedule();
  }

  function schedule() {
    if (stopped || timer) return;
    timer = setTimeout(beat, state.battle && !state.battle.over ? DUEL_MS : IDLE_MS);
  }

  function incoming(ids, senders) {
    const open = new Set(ids); // a challenge no longer listed expired, or its challenger went offline or into another duel
    for (let i = queue.length - 1; i >= 0; i--) if (!open.has(queue[i].id)) queue.splice(i, 1);
    if (dialog.open && asking && !open.has(asking.id)) {
      dialog.close();
      toast(t('challenge.gone', { name: asking.from }));
      asking = null;
    }
    ids.forEach((id, i) => {
      if (prompted.has(id)) return;
      prompted.add(id);
      queue.push({ id, from: senders[i] });
    });
    if (!dialog.open && queue.length) ask(queue.shift());
  }

  const invitesSeen = new Set();
  /** Party invitations: listed on the Party screen, each announced once. */
  function invited(list) {
    app.partyInvites(list);
    for (const i of list) {
      if (invitesSeen.has(i.party_id)) continue;
      invitesSeen.add(i.party_id);
      toast(t('party.invited_toast', { name: i.from }));
    }
  }

  function accepted(ids) {
    for (const id of ids) {
      if (state.battle && state.battle.id === id) continue;
      const opponent = state.outgoing.get(id);
      if (!opponent) continue; // sent from another client of this player: that client plays it
      state.outgoing.delete(id);
      toast(t('challenge.accepted', { name: opponent }));
      app.startBattle(id, opponent);
    }
  }

  async function ask({ id, from }) {
    if (!avatar.get(from)) await onlinePlayers().catch(() => []);
    asking = { id, from };
    const answer = async yes => {
      asking = null;
      dialog.close();
      try {
        await call(yes ? '/accept_challenge' : '/reject_challenge', { role: session.role, id });
        if (yes) app.startBattle(id, from);
      } catch (e) {
        toast(e.message);
      }
      if (queue.length) ask(queue.shift());
    };
    fill(dialog,
      el('h2', { id: 'challenge-title' }, t('challenge.title')),
      picture(avatar.get(from), from, 'portrait'),
      el('p', {}, t('challenge.from', { name: from })),
      el('div', { class: 'actions' },
        el('button', { type: 'button', class: 'primary', onclick: () => answer(true) }, t('challenge.accept')),
        el('button', { type: 'button', onclick: () => answer(false) }, t('challenge.reject'))));
    dialog.onkeydown = e => { if (e.key === 'Escape') { e.preventDefault(); answer(false); } };
    dialog.showModal();
  }

  beat();
  return {
    /** Polls again now (a duel started or a move was sent). */
    soon() {
      if (timer) clearTimeout(timer);
      timer = null;
      timer = setTimeout(beat, 300);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      dialog.remove();
    },
  };
}
