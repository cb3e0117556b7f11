/**
 * What an email page and a verification code say: multipart text + HTML, naming the incident, with the
 * signed one-tap acknowledge link. Pure: the notifier signs the token and passes the origin in.
 */
import type { PagedIncident } from '../push/payload';
import type { Mail } from './smtp';

/** The page that acknowledges with an email's token (worker/routes/email-ack.ts). */
export const EMAIL_ACK_PATH = '/api/email/ack';

export function ackLink(origin: string, token: string): string {
  return `${origin}${EMAIL_ACK_PATH}?token=${encodeURIComponent(token)}`;
}

/** The email page for `incident` to `to`; `origin` is PUBLIC_URL. */
export function pageMail(input: {
  to: string;
  incident: PagedIncident;
  origin: string;
  token: string;
}): Mail {
  const { incident, origin } = input;
  const ack = ackLink(origin, input.token);
  const open = `${origin}/incidents/${encodeURIComponent(incident.id)}`;
  const service = incident.serviceName ?? 'no service';
  const alerts = incident.alertCount === 1 ? '1 alert' : `${incident.alertCount} alerts`;
  const subject = `[Firebell] #${incident.number} ${incident.severity}: ${incident.title}`;
  const text = [
    `Incident #${incident.number} needs you: ${incident.title}`,
    `Service: ${service} · Severity: ${incident.severity} · ${alerts}`,
    '',
    `Acknowledge (no sign-in needed): ${ack}`,
    `Open the incident: ${open}`,
    '',
    'The acknowledge link works once and expires after 24 hours.',
  ].join('\r\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h1 style="font-size:20px">Incident #${incident.number} needs you: ${esc(incident.title)}</h1>
<p>Service: ${esc(service)} · Severity: <strong>${esc(incident.severity)}</strong> · ${alerts}</p>
<p><a href="${esc(ack)}" style="display:inline-block;padding:12px 20px;background:#b91c1c;color:#fff;border-radius:6px;text-decoration:none">Acknowledge #${incident.number}</a></p>
<p><a href="${esc(open)}">Open the incident in Firebell</a></p>
<p style="color:#555;font-size:13px">The acknowledge link works once and expires after 24 hours.</p>
</body></html>`;
  return {
    to: input.to,
    subject,
    text,
    html,
    // A page is not a newsletter: no List-Unsubscribe; auto-responders must not answer it.
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Firebell-Incident': incident.id },
  };
}

/** The email that carries a verification code. */
export function codeMail(to: string, code: string): Mail {
  return {
    to,
    subject: `Firebell verification code: ${code}`,
    text: `Your Firebell verification code is ${code}.\r\nEnter it in Settings to receive pages at this address. It expires in 15 minutes.\r\nIf you did not ask for it, ignore this email.`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif"><p>Your Firebell verification code is</p><p style="font-size:28px;letter-spacing:4px"><strong>${code}</strong></p><p>Enter it in Settings to receive pages at this address. It expires in 15 minutes.</p><p style="color:#555">If you did not ask for it, ignore this email.</p></body></html>`,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/** Text made safe inside HTML (element content and quoted attributes). */
export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
