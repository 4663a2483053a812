// A duel: both fighters' hp, the rounds as they are judged, a move with the kit to use, the end and the prize.
// Moves go with wait: 0; a round the opponent has not finished arrives through the heartbeat.
import { call, session } from './api.js';
import { el, fill, picture, toast } from './el.js';
import { t } from './i18n.js';
import { conversation, kitChips } from './log.js';
import { meter, refreshSheet, sheet } from './sheet.js';
import { avatar, loadKit, state } from './store.js';
import { sayForm } from './talk.js';

// The duel under way, kept for this tab so a reload finds it again (the heartbeat brings its state back).
const KEPT = 'tw.battle';

/** The duel this tab was in before a reload: {id, opponent}, or null. */
export function keptBattle() {
  try { return JSON.parse(sessionStorage.getItem(KEPT)); } catch { return null; }
}

export function battleScreen(app) {
  const title = el('h2', {});
  const fighters = el('div', { class: 'fighters' });
  const round = el('p', { class: 'round' });
  const log = conversation(t('nav.battle'));
  const status = el('p', { class: 'waiting', role: 'status' });
  const chips = kitChips(state);
  const form = sayForm(t('battle.move'), t('battle.placeholder'), t('battle.go'), move);
  const leave = el('button', { type: 'button', class: 'primary', hidden: true, onclick: () => app.go('players') }, t('battle.leave'));
  const none = el('p', { class: 'empty' }, t('battle.none'));
  const arena = el('div', { class: 'arena', hidden: true }, title, fighters, round, log.node, status, chips.node, form.node, leave);
  const node = el('section', { class: 'screen battle', 'aria-label': t('nav.battle') }, none, arena);

  function fighter(name, hp) {
    const b = state.battle;
    const max = name === session.role && sheet.stats ? sheet.stats.max_hp : b.maxHp[name];
    const known = hp !== undefined;
    return el('div', { class: 'fighter' }, picture(avatar.get(name), name, 'face'),
      el('div', {}, el('strong', {}, name), meter(t('battle.hp_of', { name }), known ? hp : 1, known ? max : 1),
        el('span', { class: 'value' }, known ? `${hp}/${max}` : '?')));
  }

  function drawFighters() {
    const b = state.battle;
    fill(fighters, fighter(session.role, b.hp[session.role]), el('span', { class: 'versus' }, 'VS'), fighter(b.opponent, b.hp[b.opponent]));
    round.textContent = t('battle.round', { n: b.round });
  }

  /** A judged round: the opponent's move, the result, hp after it. */
  function judged(opponentMove, result, hp, roundNo, over, winner) {
    const b = state.battle;
    log.say(b.opponent, opponentMove);
    log.say('⚔', result, { kind: 'result' });
    if (hp) {
      for (const [name, value] of Object.entries(hp)) b.maxHp[name] = Math.max(b.maxHp[name] || 0, value);
      b.hp = hp;
    }
    if (roundNo) b.round = roundNo + 1;
    b.moved = false;
    status.textContent = '';
    form.node.hidden = false;
    drawFighters();
    if (over) end(winner ?? null);
  }

  /** `winner`: a name, null for a draw, undefined when the page did not see the last round. */
  function end(winner) {
    const b = state.battle;
    b.over = true;
    sessionStorage.removeItem(KEPT);
    round.textContent = t('battle.over');
    status.textContent = winner === undefined ? t('battle.over') : winner === session.role ? t('battle.won')
      : winner ? t('battle.lost', { name: winner }) : t('battle.draw');
    form.node.hidden = true;
    chips.node.hidden = true;
    leave.hidden = false;
    refreshSheet().catch(() => {});
    loadKit().catch(() => {});
  }

  async function move(text) {
    const b = state.battle;
    if (!b || b.over || b.moved) return;
    const used = chips.chosen();
    log.say(session.role, text, { mine: true });
    try {
      const reply = await call('/battle', { role: session.role, id: b.id, text, ...used, wait: 0 });
      chips.reset();
      if (reply.pending) {
        b.moved = true;
        form.node.hidden = true;
        status.textContent = t('battle.waiting', { name: b.opponent });
        app.pollSoon();
      } else {
        judged(reply.action, reply.result, reply.hp, reply.round, reply.status, reply.winner);
      }
    } catch (e) {
      toast(e.message);
    }
    refreshSheet().catch(() => {});
  }

  return {
    node,
    start(id, opponent) {
      state.battle = { id, opponent, round: 1, hp: {}, maxHp: {}, moved: false, over: false };
      sessionStorage.setItem(KEPT, JSON.stringify({ id, opponent }));
      title.textContent = t('battle.title', { name: opponent });
      log.clear();
      status.textContent = '';
      form.node.hidden = false;
      chips.node.hidden = false;
      leave.hidden = true;
      none.hidden = true;
      arena.hidden = false;
      chips.reset();
      drawFighters();
    },
    /** What the heartbeat brought for this duel. */
    news(reply) {
      const b = state.battle;
      if (!b || b.over) return;
      if (reply.role_text !== null) judged(reply.role_text, reply.system_text, reply.hp, reply.round, reply.status, reply.winner);
      else if (reply.status) end(reply.winner);
    },
    enter() { if (state.battle && !state.battle.over) form.input.focus({ preventScroll: true }); },
    kitChanged: () => chips.render(),
  };
}
