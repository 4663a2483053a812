// A party quest (SPEC §16): create a party (its code read aloud), join by code or invitation, the ready check, the
// shared scene (each member's action under their name and portrait, the DM's telling as it is written), "waiting for
// Wren (0:47)", Act and Hold with items and skills as chips, every member's hp, party chat beside the scene, the reward.
// Everything the page shows comes from /party_status (on entering, and after a reload) and /party_wait's events.
import { call, session } from './api.js';
import { el, fill, toast, busy, oneAtATime } from './el.js';
import { t, world } from './i18n.js';
import { conversation, kitChips } from './log.js';
import { partyChat } from './party-chat.js';
import { askReady, memberItems, taskItems, waitingText } from './party-table.js';
import { refreshSheet } from './sheet.js';
import { avatar, faceUrl, loadKit, portraitUrl, state } from './store.js';
import { sayForm } from './talk.js';

const WAIT_SECONDS = 25;

export function partyScreen(app) {
  let status = null;       // the last /party_status, kept up to date from events
  let last = 0;            // the newest event seen
  let listening = false;   // a /party_wait loop is running
  let clock = null;        // the round's countdown
  let telling = null;      // the DM's line being written
  let checks = 0;          // ready checks opened while this page listened: each is asked about once
  let prompted = null;     // the ready check already asked about
  let lastTask = null;     // the quest just finished, still named over its scene
  let roundsTold = 0;      // rounds told while this page listened: a declaration whose round was told meanwhile says nothing
  let tasksAsked = 0;      // /party_tasks asked so far: only the newest answer fills the list

  const intro = el('p', { class: 'intro' }, t('party.intro'));
  const codeInput = el('input', { type: 'text', maxLength: 6, autocomplete: 'off', 'aria-label': t('party.code_label'),
    placeholder: t('party.code_placeholder'), class: 'code-input' });
  const joinForm = el('form', { class: 'say join' }, codeInput, el('button', { type: 'submit', class: 'primary' }, t('party.join')));
  joinForm.addEventListener('submit', e => { e.preventDefault(); join(codeInput.value.trim()); });
  const invites = el('ul', { class: 'invites', 'aria-label': t('party.invites') });
  const lobby = el('div', { class: 'lobby' }, intro,
    el('button', { type: 'button', class: 'primary', onclick: e => busy(e.currentTarget, create) }, t('party.create')),
    el('h3', {}, t('party.join_title')), joinForm, invites);

  const code = el('p', { class: 'party-code', 'aria-live': 'polite' });
  const members = el('ul', { class: 'members', 'aria-label': t('party.members') });
  const tasks = el('ul', { class: 'tasks', 'aria-label': t('party.tasks') });
  const waiting = el('p', { class: 'waiting', role: 'status' });
  const log = conversation(t('party.scene'));
  const chips = kitChips(state);
  const actForm = sayForm(t('party.act_label'), t('party.act_placeholder'), t('party.act'), act);
  const hold = el('button', { type: 'button', onclick: e => busy(e.currentTarget, async () => {
    const round = roundsTold;
    if (await send('/party_hold', {}) && round === roundsTold) declared(t('party.you_hold'));
  }) }, t('party.hold'));
  actForm.node.append(hold);
  const mine = el('p', { class: 'mine-note', 'aria-live': 'polite' });
  const actions = el('div', { class: 'party-act' }, chips.node, actForm.node);
  const reward = el('div', { class: 'reward', hidden: true, role: 'status' });
  const chat = partyChat(say);
  const leave = el('button', { type: 'button', class: 'quiet', onclick: e => busy(e.currentTarget, leaveParty) }, t('party.leave'));
  const dialog = el('dialog', { class: 'challenge', 'aria-labelledby': 'ready-title' });
  document.body.append(dialog);

  const scene = el('div', { class: 'party-scene' }, el('h3', { class: 'task-name' }), log.node, reward, waiting, mine, actions);
  const table = el('div', { class: 'party-table', hidden: true },
    el('div', { class: 'party-head' }, code, leave), members, tasks, scene,
    chat.node);
  const node = el('section', { class: 'screen party', 'aria-label': t('nav.party') }, el('h2', {}, t('nav.party')), lobby, table);

  async function send(path, body) {
    try {
      return await call(path, { role: session.role, ...body });
    } catch (e) {
      toast(e.message);
      return null;
    }
  }

  async function create() {
    if (await send('/party_create', {})) await load();
  }

  async function join(text) {
    if (!text) return;
    if (await send('/party_join', { code: text })) {
      codeInput.value = '';
      await load();
    }
  }

  async function accept(partyId) {
    if (await send('/party_accept', { party_id: partyId })) await load();
  }

  async function leaveParty() {
    if (await send('/party_leave', {})) {
      status = null;
      log.clear();
      chat.clear();
      draw();
    }
  }

  async function act(text) {
    const used = chips.chosen();
    const round = roundsTold;
    if (await send('/party_act', { text, ...used })) {
      chips.reset();
      if (round === roundsTold) declared(t('party.you_act', { text })); // the last one's reply comes after its round is told
    }
  }

  /** What this member declared for the round, shown until the round is told (it may be changed until then). */
  function declared(text) {
    mine.textContent = text;
    const me = member(session.role);
    if (me) { // the server has it: "waiting for" no longer names this member, before the 'acted' event comes round
      me.acted = true;
      drawMembers();
      tick();
    }
  }

  async function say(text) {
    await send('/party_say', { text });
  }

  /**
   * Reads the party as it is now (a reload finds the scene again), then listens for what happens next. One read at a
   * time: entering the screen while the page's own start reads it asks for one more read after, not a second at once
   * (two drawing the scene and the chat together drew the chat's lines twice).
   */
  const load = oneAtATime(async () => {
    try {
      status = await call('/party_status', { role: session.role });
    } catch (e) {
      if (e.code === 404) status = null; else toast(e.message);
      draw();
      return;
    }
    last = status.last;
    faces();
    log.clear();
    for (const round of status.recent) showRound(round);
    const end = status.recent[status.recent.length - 1];
    if (!status.task && end && end.finished) finished(end); // the quest just ended: its reward as it was shown
    if (status.goal) log.say(world.dm, status.goal, { kind: 'result' }); // what the stage under way asks
    await chat.recall(status.last);
    draw();
    listen();
  });

  async function listen() {
    if (listening) return;
    listening = true;
    try {
      while (status) {
        let reply;
        try {
          reply = await call('/party_wait', { role: session.role, after: last, wait: WAIT_SECONDS }, { onDelta: piece => told(piece) });
        } catch (e) {
          if (e.code === 404) { // removed while away from the page's wait: told, as by the 'left' event
            if (status) toast(t('party.removed'));
            status = null;
            draw();
            break;
          }
          if (telling) { // the next wait hears the words so far again from their start
            telling.remove();
            telling = null;
          }
          await new Promise(r => setTimeout(r, 2000));
          continue;
        }
        for (const event of reply.events) if (event.n > last) happened(event); // not those a read of the party drew meanwhile
        last = Math.max(last, reply.last);
        draw();
      }
    } finally {
      listening = false;
    }
  }

  /** A piece of the DM's telling, as it is written. */
  function told(piece) {
    if (!telling) telling = log.writing(world.dm);
    telling.grow(piece);
  }

  /** Each member's portrait beside their actions in the scene. */
  function faces() {
    for (const m of status.members) avatar.put(m.name, portraitUrl(m.name));
  }

  function member(name) {
    return status && status.members.find(m => m.name === name);
  }

  function happened(event) {
    if (!status) return;
    switch (event.kind) {
      case 'joined':
        if (!member(event.name)) status.members.push({ name: event.name, level: 1, hp: 1, max_hp: 1, state: 'active', ready: false, acted: false });
        avatar.put(event.name, portraitUrl(event.name));
        chat.heard(event);
        break;
      case 'left':
        status.members = status.members.filter(m => m.name !== event.name);
        chat.heard(event);
        if (event.name === session.role) { // kicked, or logged out elsewhere (a leave of one's own has already cleared status)
          status = null;
          toast(t('party.removed'));
        } else if (status.task && !status.deadline) {
          refreshStatus(); // a ready check (or a paused quest) left with one member is closed; with everyone left ready, begun
        }
        break;
      case 'lead': status.leader = event.name; break;
      case 'passive': case 'active': if (member(event.name)) member(event.name).state = event.kind; break;
      case 'ready_check':
        checks++;
        status.task = event.task;
        status.goal = null; // no quest under way until it starts
        status.deadline = null;
        status.members.forEach(m => { m.ready = false; });
        break;
      case 'ready': if (member(event.name)) member(event.name).ready = event.ready; break;
      case 'started':
        status.task = event.task;
        status.goal = event.goal;
        lastTask = null;
        status.round = 1;
        reward.hidden = true;
        log.clear();
        log.say(world.dm, event.text);
        log.say(world.dm, event.goal, { kind: 'result' });
        refreshStatus();
        break;
      case 'acted':
        if (member(event.name)) member(event.name).acted = true;
        break;
      case 'resolved':
        roundsTold++;
        showRound(event);
        mine.textContent = '';
        status.members.forEach(m => { m.acted = false; });
        if (event.finished) finished(event); else refreshStatus();
        break;
      case 'chat': chat.heard(event); break;
      default: break;
    }
  }

  /** The members' sheets and the round's deadline, read again after a round. */
  async function refreshStatus() {
    try {
      const fresh = await call('/party_status', { role: session.role });
      if (!status || fresh.last < last) return; // left meanwhile, or events newer than this answer are already drawn
      status = fresh;
      faces();
      draw();
    } catch {
      // the next event brings it
    }
  }

  function showRound(round) {
    if (telling) { // the words as they were written give way to the round in order: what each did, then the telling
      telling.remove();
      telling = null;
    }
    for (const a of round.actions) {
      if (a.text) log.say(a.name, a.text, { mine: a.name === session.role });
      else log.note(t('party.held', { name: a.name }));
    }
    if (round.npc && round.npc.text) { // the round's character says their part under their own name and face
      log.say(round.speaker || world.dm, round.narration || round.text);
      avatar.put(round.npc.name, faceUrl(round.npc.name));
      log.say(round.npc.name, round.npc.text);
    } else {
      log.say(round.speaker || world.dm, round.text);
    }
  }

  function finished(event) {
    const mine = event.reward && event.reward[session.role];
    fill(reward, el('strong', {}, t('party.done')), ' ',
      mine ? t('party.reward', { exp: mine.exp, matter: mine.matter }) : t('party.no_reward'));
    reward.hidden = false;
    lastTask = status.task;
    status.task = null;
    status.goal = null;
    status.deadline = null;
    refreshSheet().catch(() => {});
    loadKit().catch(() => {});
  }

  /** A ready check is open: a task chosen and none under way (a paused quest has its goal, a playing one its deadline). */
  const readyCheckOpen = () => !!(status && status.task && !status.goal && !status.deadline);

  function askForReady() {
    if (!readyCheckOpen()) {
      if (dialog.open) dialog.close(); // begun without this member, or closed: nothing to answer
      return;
    }
    const me = member(session.role);
    if (!me || me.ready || prompted === status.task + '#' + checks) return; // "not yet" is not asked again by the next event
    prompted = status.task + '#' + checks;
    askReady(dialog, status, yes => send('/party_ready', { ready: yes }));
  }

  function drawMembers() {
    fill(members, memberItems(status, session.role, (e, name) => busy(e.currentTarget, () => send('/party_kick', { name }).then(load))));
  }

  async function drawTasks() {
    const asked = ++tasksAsked;
    const leading = status.leader === session.role;
    if (!leading || (status.task && status.deadline)) { tasks.replaceChildren(); return; }
    let list = [];
    try {
      list = (await call('/party_tasks', { role: session.role })).task_list;
    } catch {
      return;
    }
    if (asked !== tasksAsked) return; // drawn again meanwhile (a quest started, the lead passed, the party left): stale
    fill(tasks, taskItems(list, status, (e, name) => busy(e.currentTarget, () => send('/party_start', { task_name: name }))));
  }

  function tick() {
    clearInterval(clock);
    clock = null;
    if (!status || !status.deadline || !status.task) { waiting.textContent = ''; return; }
    const update = () => { waiting.textContent = waitingText(status, Date.now()); };
    update();
    clock = setInterval(update, 1000);
  }

  function draw() {
    const inParty = !!status;
    lobby.hidden = inParty;
    table.hidden = !inParty;
    if (!inParty) { clearInterval(clock); tasksAsked++; askForReady(); return; } // a list still on its way is not drawn
    code.replaceChildren(t('party.code_is'), ' ', el('strong', { class: 'code' }, status.code.split('').join(' ')));
    const leading = status.leader === session.role;
    scene.querySelector('.task-name').textContent = status.task
      || (lastTask ? t(leading ? 'party.finished' : 'party.finished_member', { task: lastTask, leader: status.leader })
        : t(leading ? 'party.no_task' : 'party.no_task_member', { leader: status.leader }));
    const playing = !!(status.task && status.deadline);
    const me = member(session.role);
    actions.hidden = !playing || !me;
    drawMembers();
    drawTasks();
    tick();
    askForReady();
  }

  return {
    node,
    enter: () => load(),
    /** The heartbeat's invitations: offered here, and once as a toast. */
    invited(list) {
      fill(invites, list.map(i => el('li', {}, el('span', { class: 'task-title' }, t('party.invited_by', { name: i.from })),
        el('button', { type: 'button', class: 'primary', onclick: e => busy(e.currentTarget, () => accept(i.party_id)) }, t('party.accept')))));
    },
    /** Entering the game: a party found again listens at once (the ready check reaches any screen). */
    resume: () => load(),
    kitChanged: () => chips.render(),
  };
}
