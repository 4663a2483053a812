// The page: sign-in, or the game — the sheet in view, a menu of screens, the heartbeat. Screens live in their own
// modules and are built once per session, so a conversation survives a visit to another screen.
import { call, onSignedOut, session } from './api.js';
import { bagScreen } from './bag.js';
import { battleScreen, keptBattle } from './battle.js';
import { craftScreen } from './craft.js';
import { dmScreen } from './dm.js';
import { el, toast } from './el.js';
import { eventScreen } from './event.js';
import { heartbeat } from './heartbeat.js';
import { t } from './i18n.js';
import { showHost } from './host.js';
import { showLogin } from './login.js';
import { partyScreen } from './party.js';
import { playersScreen } from './players.js';
import { questsScreen } from './quests.js';
import { refreshSheet, sheet } from './sheet.js';
import { loadKit, onKitChange, state } from './store.js';
import { taskScreen } from './task.js';

const root = document.getElementById('app');
const ORDER = ['dm', 'quests', 'task', 'party', 'bag', 'craft', 'event', 'players', 'battle'];
let game = null;

function enterGame() {
  const screens = {};
  const nav = el('nav', { class: 'menu', 'aria-label': t('nav.label') });
  const stage = el('main', { class: 'stage', id: 'stage' });
  let current = null;

  const app = {
    go(name) {
      if (!screens[name]) return;
      if (location.hash !== '#' + name) history.replaceState(null, '', '#' + name);
      current = name;
      for (const [key, screen] of Object.entries(screens)) screen.node.hidden = key !== name;
      nav.querySelectorAll('button').forEach(b => {
        if (b.dataset.screen === name) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
      });
      window.scrollTo(0, 0);
      screens[name].enter();
    },
    openTask(task) {
      screens.task.opened(task);
      app.go('task');
    },
    selectTask: task => screens.task.select(task),
    startBattle(id, opponent) {
      screens.players.clearSent(); // the challenge was answered
      screens.battle.start(id, opponent);
      app.go('battle');
      beat.soon();
    },
    battleNews: reply => screens.battle.news(reply),
    partyInvites: list => screens.party.invited(list),
    inviteToParty: name => call('/party_invite', { role: session.role, name }),
    pollSoon: () => beat.soon(),
  };

  screens.dm = dmScreen(app);
  screens.quests = questsScreen(app);
  screens.task = taskScreen(app);
  screens.bag = bagScreen(app);
  screens.craft = craftScreen(app);
  screens.event = eventScreen(app);
  screens.players = playersScreen(app);
  screens.battle = battleScreen(app);
  screens.party = partyScreen(app);
  for (const name of ORDER) {
    nav.append(el('button', { type: 'button', class: 'nav-' + name, 'data-screen': name, onclick: () => app.go(name) },
      el('span', { class: 'icon', 'aria-hidden': 'true' }), el('span', { class: 'label' }, t('nav.' + name))));
    stage.append(screens[name].node);
  }
  onKitChange(() => Object.values(screens).forEach(s => s.kitChanged && s.kitChanged()));

  const logout = el('button', { type: 'button', class: 'quiet', onclick: leave }, t('logout'));
  root.replaceChildren(
    el('header', { class: 'top' }, el('span', { class: 'brand' }, t('app.title')), logout),
    el('div', { class: 'side' }, sheet.node, nav),
    stage);
  root.setAttribute('aria-busy', 'false');
  root.classList.add('in-game');

  const beat = heartbeat(app);
  game = { beat };
  window.onhashchange = () => app.go(location.hash.slice(1));
  Promise.all([refreshSheet(), loadKit()]).catch(e => toast(e.message));
  screens.party.resume(); // a party found again: its ready check and rounds reach any screen
  const duel = keptBattle();
  if (duel) app.startBattle(duel.id, duel.opponent); // a reload in the middle of a duel
  else app.go(ORDER.includes(location.hash.slice(1)) && location.hash !== '#battle' ? location.hash.slice(1) : 'dm');
}

function signedOut() {
  if (game) game.beat.stop();
  game = null;
  state.battle = null;
  state.outgoing.clear();
  sessionStorage.removeItem('tw.battle');
  window.onhashchange = null;
  root.setAttribute('aria-busy', 'false');
  root.classList.remove('in-game');
  showLogin(root, enterGame, host);
}

function host() {
  history.replaceState(null, '', '#host');
  root.classList.remove('in-game');
  showHost(root, () => {
    history.replaceState(null, '', '#');
    if (session.token && session.role) enterGame(); else signedOut();
  });
}

async function leave() {
  try {
    await call('/logout', { role: session.role });
  } catch {
    // signed out here whatever the server says
  }
  session.clear();
  signedOut();
}

onSignedOut(signedOut);
if (location.hash === '#host') host();
else if (session.token && session.role) enterGame();
else signedOut();
