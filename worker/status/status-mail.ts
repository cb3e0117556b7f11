/**
 * What the status page's email subscribers receive: the confirmation of a new address and each update. Every
 * mail is multipart text + HTML and carries the one-tap unsubscribe link, in the body and as List-Unsubscribe
 * with List-Unsubscribe-Post (RFC 8058), so a mail client's own Unsubscribe button works without a page. Pure.
 */
import { esc } from '../notify/email-message';
import type { Mail } from '../notify/smtp';

interface Common {
  to: string;
  /** The page's name, as in its heading. */
  pageName: string;
  /** Absolute URL of /status. */
  pageUrl: string;
  unsubscribeUrl: string;
}

function headers(unsubscribeUrl: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'Auto-Submitted': 'auto-generated',
  };
}

const shell = (body: string) =>
  `<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:40rem">${body}</body></html>`;

/** The double opt-in mail: nothing else is sent to the address until its link is followed. */
export function confirmMail(input: Common & { confirmUrl: string; expiresInHours: number }): Mail {
  const { pageName, confirmUrl, unsubscribeUrl } = input;
  return {
    to: input.to,
    subject: `Confirm your subscription to ${pageName} status updates`,
    text: [
      `Someone, hopefully you, asked for ${pageName} status updates at this address.`,
      '',
      `Confirm: ${confirmUrl}`,
      '',
      `Nothing is sent until you confirm; the link expires in ${input.expiresInHours} hours. If it was not you, ignore this email.`,
      `Status page: ${input.pageUrl}`,
      `Forget this address: ${unsubscribeUrl}`,
    ].join('\r\n'),
    html: shell(`<p>Someone, hopefully you, asked for ${esc(pageName)} status updates at this address.</p>
<p><a href="${esc(confirmUrl)}" style="display:inline-block;padding:12px 20px;background:#0969da;color:#fff;border-radius:6px;text-decoration:none">Confirm my subscription</a></p>
<p>Nothing is sent until you confirm; the link expires in ${input.expiresInHours} hours. If it was not you, ignore this email.</p>
<p style="color:#555;font-size:13px"><a href="${esc(input.pageUrl)}">Status page</a> · <a href="${esc(unsubscribeUrl)}">Forget this address</a></p>`),
    headers: headers(unsubscribeUrl),
  };
}

/** One public update to one confirmed subscriber. */
export function updateMail(input: Common & { title: string; body: string }): Mail {
  const { pageName, pageUrl, unsubscribeUrl } = input;
  return {
    to: input.to,
    subject: `[${pageName} status] ${input.title}`,
    text: [
      input.title,
      input.body,
      '',
      `Status page: ${pageUrl}`,
      '',
      `You get this because you subscribed to ${pageName} status updates. Unsubscribe: ${unsubscribeUrl}`,
    ].join('\r\n'),
    html: shell(`<h1 style="font-size:20px">${esc(input.title)}</h1>
<p>${esc(input.body)}</p>
<p><a href="${esc(pageUrl)}">See the status page</a></p>
<p style="color:#555;font-size:13px">You get this because you subscribed to ${esc(pageName)} status updates. <a href="${esc(unsubscribeUrl)}">Unsubscribe</a></p>`),
    headers: headers(unsubscribeUrl),
  };
}
