// Sign up and log in. The password leaves the page as the MD5 hex of what was typed, as every client sends it.
import { call, session, Refused } from './api.js';
import { el, busy } from './el.js';
import { t } from './i18n.js';
import { md5 } from './md5.js';

// The page takes no pushes (it polls /refrash): an address the server never calls (0.0.0.0 is refused).
const NO_CALLBACK = '0.0.0.0:9';

function field(form, label, props) {
  const id = form + '-' + props.name;
  return el('p', { class: 'field' }, el('label', { for: id }, label), el('input', { id, type: 'text', ...props }));
}

/** Words for a refusal of /login or /signup. */
function refusal(e) {
  if (!(e instanceof Refused)) return e.message;
  const r = e.reply;
  switch (r.error) {
    case 'locked': return t('login.locked', { m: r.minutes ?? '?' });
    case 'banned': return t('login.banned', { reason: r.reason || '' });
    case 'name_not_allowed': return r.reason;
    case 'not_registered': case 'wrong_password': return t('login.' + r.error);
    case 'name_taken': case 'email_registered': case 'bad_email': case 'empty_password': return t('signup.' + r.error);
    default: return r.reason || r.message || t('error.refused');
  }
}

/** A picture file as a 128×128 PNG in base64 (any format the browser reads; the server takes PNG only). */
async function portrait(file) {
  if (!file) return null;
  const bitmap = await createImageBitmap(file);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 128;
  const side = Math.min(bitmap.width, bitmap.height);
  canvas.getContext('2d').drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, 128, 128);
  return canvas.toDataURL('image/png').split(',')[1];
}

/** Shows the sign-in screen in `root`; `entered()` is called once a session exists; `host()` opens the host console. */
export function showLogin(root, entered, host) {
  const error = el('p', { class: 'error', role: 'alert' });
  const loginForm = el('form', { class: 'card', 'aria-label': t('login.tab') },
    field('login', t('field.email'), { name: 'email', type: 'email', autocomplete: 'email', required: true }),
    field('login', t('field.password'), { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    el('button', { type: 'submit', class: 'primary' }, t('login.submit')));
  const signupForm = el('form', { class: 'card', 'aria-label': t('signup.tab'), hidden: true },
    field('signup', t('field.username'), { name: 'username', autocomplete: 'nickname', required: true, minLength: 2, maxLength: 16 }),
    field('signup', t('field.email'), { name: 'email', type: 'email', autocomplete: 'email', required: true }),
    field('signup', t('field.password'), { name: 'password', type: 'password', autocomplete: 'new-password', required: true }),
    field('signup', t('field.avatar'), { name: 'avatar', type: 'file', accept: 'image/*' }),
    el('button', { type: 'submit', class: 'primary' }, t('signup.submit')));

  const tabs = el('div', { class: 'switch', role: 'tablist' });
  const pick = showSignup => {
    loginForm.hidden = showSignup;
    signupForm.hidden = !showSignup;
    error.textContent = '';
    tabs.querySelectorAll('button').forEach((b, i) => b.setAttribute('aria-selected', String((i === 1) === showSignup)));
  };
  tabs.append(
    el('button', { type: 'button', role: 'tab', 'aria-selected': 'true', onclick: () => pick(false) }, t('login.tab')),
    el('button', { type: 'button', role: 'tab', 'aria-selected': 'false', onclick: () => pick(true) }, t('signup.tab')));

  loginForm.addEventListener('submit', event => {
    event.preventDefault();
    const f = loginForm.elements;
    busy(loginForm.querySelector('button[type=submit]'), async () => {
      try {
        const reply = await call('/login', { email: f.email.value.trim(), password: md5(f.password.value), ip: NO_CALLBACK });
        session.save(reply.username, reply.token);
        entered();
      } catch (e) {
        error.textContent = refusal(e);
      }
    });
  });

  signupForm.addEventListener('submit', event => {
    event.preventDefault();
    const f = signupForm.elements;
    busy(signupForm.querySelector('button[type=submit]'), async () => {
      let image = null;
      try {
        image = await portrait(f.avatar.files[0]);
      } catch {
        error.textContent = t('signup.bad_avatar');
      }
      try {
        const username = f.username.value.trim();
        const reply = await call('/signup', {
          username, email: f.email.value.trim(), password: md5(f.password.value), ip: NO_CALLBACK, image_data: image,
        });
        session.save(username, reply.token);
        entered();
      } catch (e) {
        error.textContent = refusal(e);
      }
    });
  });

  root.replaceChildren(el('main', { class: 'welcome' },
    el('h1', {}, t('app.title')),
    el('p', { class: 'tagline' }, t('app.tagline')),
    tabs, loginForm, signupForm, error,
    el('button', { type: 'button', class: 'quiet host-link', onclick: host }, t('host.open'))));
  loginForm.elements.email.focus();
}
