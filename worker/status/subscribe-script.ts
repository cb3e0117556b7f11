/**
 * The status page's one script, served as /status/subscribe.js: the "Get notified" control. Progressive
 * enhancement: the page renders and reads fine without it; with it, and where the browser has Web Push, the
 * hidden control appears. It registers the PWA's own service worker (/sw.js, scope /; it never answers /status
 * itself), subscribes with the VAPID key the page carries, and keeps the unsubscribe token in localStorage for
 * the "Stop notifications" button. Unsubscribing only tells the server: the browser's push subscription may
 * also carry a responder's pages, so it is left alone. Plain ES2017, not bundled: it is small and stands alone.
 */
export const SUBSCRIBE_SCRIPT = `(() => {
  'use strict';
  const box = document.getElementById('notify');
  if (!box || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  const on = document.getElementById('notify-on');
  const off = document.getElementById('notify-off');
  const note = document.getElementById('notify-note');
  const STORE = 'firebell-status-unsubscribe';
  const say = (text) => { note.textContent = text; };
  const show = () => {
    const token = localStorage.getItem(STORE);
    on.hidden = Boolean(token);
    off.hidden = !token;
  };
  const keyBytes = (b64) => {
    const s = atob(b64.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((b64.length + 3) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  };
  box.hidden = false;
  show();
  on.addEventListener('click', async () => {
    on.disabled = true;
    say('Asking your browser for permission…');
    try {
      if ((await Notification.requestPermission()) !== 'granted') {
        say('Notifications are blocked for this site in your browser settings.');
        return;
      }
      await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      const reg = await navigator.serviceWorker.ready;
      const sub = (await reg.pushManager.getSubscription()) ||
        (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey) }));
      const res = await fetch('/status/subscriptions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
        body: JSON.stringify(sub.toJSON()),
      });
      const answer = await res.json().catch(() => ({}));
      if (!res.ok) {
        say(answer.detail || 'The server answered ' + res.status + '.');
        return;
      }
      localStorage.setItem(STORE, answer.unsubscribeToken);
      say('Subscribed: this browser will be notified of every update.');
      show();
    } catch (err) {
      say('Could not subscribe: ' + ((err && err.message) || err));
    } finally {
      on.disabled = false;
    }
  });
  off.addEventListener('click', async () => {
    const token = localStorage.getItem(STORE) || '';
    off.disabled = true;
    try {
      const res = await fetch('/status/unsubscribe?token=' + encodeURIComponent(token), {
        method: 'POST',
        headers: { accept: 'application/json, application/problem+json' },
      });
      // 404: the server had already forgotten it (a tap on a notification's Unsubscribe, say).
      if (res.ok || res.status === 404) {
        localStorage.removeItem(STORE);
        say('Unsubscribed: no more notifications from this page.');
        show();
      } else {
        const answer = await res.json().catch(() => ({}));
        say(answer.detail || 'The server answered ' + res.status + '.');
      }
    } catch (err) {
      say('Could not unsubscribe: ' + ((err && err.message) || err));
    } finally {
      off.disabled = false;
    }
  });
})();
`;
