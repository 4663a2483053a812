// A tiny element helper: el('button', {onclick, 'aria-label': …}, 'text', child…). Strings become text nodes,
// never markup, so words from players and models are always shown as they are.
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A picture as an <img>: a base64 PNG from the server or a URL of the server's (a player's /portrait); a lettered disc when there is none. */
export function picture(image, name, className) {
  if (image) return el('img', { class: className, src: image.startsWith('/') ? image : 'data:image/png;base64,' + image, alt: name || '' });
  const letter = (name || '?').trim().slice(0, 1).toUpperCase();
  return el('span', { class: className + ' placeholder', 'aria-hidden': 'true' }, letter);
}

let toastTimer;
/** A short message at the bottom of the screen (announced to screen readers). */
export function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  box.classList.add('shown');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove('shown'), 4000);
}

/** Runs `work` with `button` disabled, so a double tap sends one request. */
export async function busy(button, work) {
  if (button.disabled) return undefined;
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

/**
 * `work` one run at a time: called while it runs, it runs once more after (however often it was called meanwhile),
 * and the caller gets the promise of the run that covers its call.
 */
export function oneAtATime(work) {
  let running = null;
  let again = false;
  return function run() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await work();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
