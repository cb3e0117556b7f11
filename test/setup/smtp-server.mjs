// A real SMTP server on 127.0.0.1 for the workerd tests (test/notify): Firebell's email crosses a real socket
// and is parsed with mailparser as a mail client would. The port is chosen in vitest.config.ts (the Worker's
// SMTP_PORT binding) and handed over in FIREBELL_TEST_SMTP_PORT. It asks for AUTH (user firebell).
// What it answers depends on the recipient's local part:
//   refuse-…@   550 on RCPT TO, every time (a final refusal)
//   greylist-…@ 451 on the first RCPT TO for that address, then accepts (a retry gets through)
//   drop-…@     closes the connection at the first RCPT TO for that address, then accepts
//   anything else is accepted.
// A small HTTP server reports what arrived: GET /received/<address> → [{subject, text, html, headers}].
import { createServer } from 'node:http';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export const SMTP_USER = 'firebell';
export const SMTP_PASSWORD = 'test-smtp-password';

/** @param {import('vitest/node').GlobalSetupContext} ctx */
export default async function setup({ provide }) {
  const port = Number(process.env.FIREBELL_TEST_SMTP_PORT);
  const received = new Map();
  const tries = new Map();
  const smtp = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
        return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, session, cb) {
      const to = address.address.toLowerCase();
      const n = (tries.get(to) ?? 0) + 1;
      tries.set(to, n);
      if (to.startsWith('refuse-'))
        return cb(Object.assign(new Error('5.1.1 Mailbox does not exist'), { responseCode: 550 }));
      if (to.startsWith('greylist-') && n === 1)
        return cb(
          Object.assign(new Error('4.7.1 Greylisted, try again later'), { responseCode: 451 }),
        );
      if (to.startsWith('drop-') && n === 1) {
        for (const conn of smtp.connections) if (conn.id === session.id) conn._socket.destroy();
        return;
      }
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          for (const rcpt of session.envelope.rcptTo) {
            const to = rcpt.address.toLowerCase();
            if (!received.has(to)) received.set(to, []);
            received.get(to).push({
              subject: mail.subject,
              text: mail.text,
              html: mail.html,
              from: mail.from?.text,
              headers: Object.fromEntries(
                [...mail.headers].map(([k, v]) => [
                  k,
                  typeof v === 'string' ? v : JSON.stringify(v),
                ]),
              ),
            });
          }
          cb();
        })
        .catch(cb);
    },
  });
  smtp.on('error', () => {}); // a dropped connection is the point of some tests
  await new Promise((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  const http = createServer((req, res) => {
    const [, verb, address] = (req.url ?? '').split('/');
    if (verb !== 'received') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(received.get(decodeURIComponent(address ?? '').toLowerCase()) ?? []));
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  provide('mailbox', `http://127.0.0.1:${http.address().port}`);
  return () =>
    Promise.all([
      new Promise((resolve) => smtp.close(resolve)),
      new Promise((resolve) => http.close(resolve)),
    ]);
}
