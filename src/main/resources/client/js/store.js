// What the page remembers between screens: the player's kit, the task under way, the speakers met in each task
// (sent back as `roles`, so the server knows whose avatar the page already has) and the avatars seen.
import { call, session } from './api.js';

const listeners = new Set();
/** Challenges this tab sent (id → the challenged), kept for the tab so a reload still opens the duel when accepted. */
class Outgoing {
  static KEY = 'tw.outgoing';

  all() {
    try { return JSON.parse(sessionStorage.getItem(Outgoing.KEY)) || {}; } catch { return {}; }
  }

  get(id) { return this.all()[id]; }

  set(id, name) { sessionStorage.setItem(Outgoing.KEY, JSON.stringify({ ...this.all(), [id]: name })); }

  delete(id) {
    const all = this.all();
    delete all[id];
    sessionStorage.setItem(Outgoing.KEY, JSON.stringify(all));
  }

  clear() { sessionStorage.removeItem(Outgoing.KEY); }
}

export const state = { bag: {}, skills: {}, battle: null, outgoing: new Outgoing() };

/** Calls `fn` whenever the kit (bag, skills) changes. */
export function onKitChange(fn) { listeners.add(fn); }

export async function loadKit() {
  const role = session.role;
  const [bag, skills] = await Promise.all([call('/bag', { role }), call('/skill', { role })]);
  state.bag = bag.equipments || {};
  state.skills = skills.skills || {};
  listeners.forEach(fn => fn());
}

const key = name => 'tw.' + name + '.' + (session.role || '');

/** The task under way: {name, personal, picture}; kept so a reload resumes it. */
export const activeTask = {
  get() {
    try { return JSON.parse(localStorage.getItem(key('task'))); } catch { return null; }
  },
  set(task) {
    if (task) localStorage.setItem(key('task'), JSON.stringify({ name: task.name, personal: !!task.personal }));
    else localStorage.removeItem(key('task'));
  },
};

/** Speakers shown in each task, with their avatars held in memory: after a reload both start empty, so the
 * server sends each avatar again (npc_status true) on the speaker's next line. */
const seen = new Map();
export const seenRoles = {
  of: task => seen.get(task) || [],
  add(task, speaker) {
    const roles = seenRoles.of(task);
    if (!roles.includes(speaker)) seen.set(task, [...roles, speaker]);
  },
};

/** A player's portrait as the server serves it to pages (its own URL, cached by the browser). */
export function portraitUrl(name) {
  return '/portrait/' + encodeURIComponent(name);
}

/** A character's face (a party quest's people) as the server serves it to pages. */
export function faceUrl(name) {
  return '/face/' + encodeURIComponent(name);
}

/** Avatars by name: NPCs' base64 PNGs from /feedback, players' portrait URLs from /get_list. */
const avatars = new Map();
export const avatar = {
  get: name => avatars.get(name) || null,
  put(name, png) { if (png) avatars.set(name, png); },
};
