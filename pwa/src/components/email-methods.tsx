import { useState } from 'preact/hooks';
import {
  addEmail,
  addPhone,
  deleteMethod,
  listMethods,
  resendCode,
  verifyMethod,
  type ContactMethod,
} from '../lib/contact-api';
import { formatTime } from '../lib/format';
import { useAction, useLoaded } from '../lib/hooks';
import { type InOrderSlot, useSettles } from '../lib/in-order';
import { ConfirmButton } from './confirm-button';
import { Notice } from './notice';

/**
 * My email addresses and phone numbers for pages: add one, type the emailed or texted code to verify it,
 * remove it. Phones (SMS, voice) page only when the server has Twilio configured (docs/sms-voice.md).
 * `order` places it among Settings' sections (lib/in-order.ts); phones show once the list is in, as the
 * addresses above them would push them down.
 */
export function EmailMethods({ order }: { order?: InOrderSlot }) {
  const [address, setAddress] = useState('');
  const { pending, outcome, run } = useAction();
  const {
    data: methods,
    error: error,
    reload,
  } = useLoaded(async () => (await listMethods()).methods);
  const emails = methods?.filter((m) => m.kind === 'email') ?? null;
  const loading = methods === null && !error;
  useSettles(order, !loading);

  const add = (ev: Event) => {
    ev.preventDefault();
    void run('Adding the address…', async () => {
      const { code } = await addEmail(address.trim());
      setAddress('');
      await reload();
      return code.message;
    });
  };

  return (
    <>
      <section aria-labelledby="email-heading" aria-busy={loading} hidden={order?.hidden}>
        <h2 id="email-heading">Email</h2>
        <p class="muted small">
          Pages reach you by email too, once the address is verified. Each email has a link that
          acknowledges without signing in.
        </p>
        <form class="inline-form" onSubmit={add}>
          <label class="field">
            <span>New email address</span>
            <input
              type="email"
              value={address}
              maxLength={254}
              autocomplete="email"
              placeholder="you@example.com"
              onInput={(e) => setAddress(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="button" disabled={pending !== null || !address.trim()}>
            Add
          </button>
        </form>
        <Notice outcome={outcome} pending={pending} />
        {error && (
          <p class="notice notice-error" role="alert">
            {error}
          </p>
        )}
        {loading && <div class="skeleton-row" />}
        {emails && emails.length === 0 && <p class="empty">No email address yet.</p>}
        {emails && emails.length > 0 && (
          <ul class="card-list">
            {emails.map((m) => (
              <MethodRow key={m.id} method={m} onChanged={reload} />
            ))}
          </ul>
        )}
      </section>
      <PhoneMethods
        phones={methods?.filter((m) => m.kind !== 'email') ?? null}
        reload={reload}
        hidden={loading || order?.hidden}
      />
    </>
  );
}

/** SMS and voice numbers: the path around Do Not Disturb (docs/sms-voice.md). */
function PhoneMethods({
  phones,
  reload,
  hidden,
}: {
  phones: ContactMethod[] | null;
  reload: () => Promise<void>;
  hidden?: boolean;
}) {
  const [number, setNumber] = useState('');
  const [kind, setKind] = useState<'sms' | 'voice'>('sms');
  const { pending, outcome, run } = useAction();
  const add = (ev: Event) => {
    ev.preventDefault();
    void run('Adding the number…', async () => {
      const { code } = await addPhone(kind, number.trim());
      setNumber('');
      await reload();
      return code.message;
    });
  };
  return (
    <section aria-labelledby="phone-heading" hidden={hidden}>
      <h2 id="phone-heading">Phone (SMS and voice)</h2>
      <p class="muted small">
        A text or a call can get through Do Not Disturb when you allow Firebell's number. Reply ACK
        and the incident number to a text, or press 1 on a call, to acknowledge.
      </p>
      <form class="inline-form" onSubmit={add}>
        <label class="field">
          <span>Phone number (+ and country code)</span>
          <input
            type="tel"
            value={number}
            maxLength={20}
            autocomplete="tel"
            placeholder="+447700900123"
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
        </label>
        <label class="field">
          <span>By</span>
          <select
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value === 'voice' ? 'voice' : 'sms')}
          >
            <option value="sms">SMS</option>
            <option value="voice">Voice call</option>
          </select>
        </label>
        <button type="submit" class="button" disabled={pending !== null || !number.trim()}>
          Add number
        </button>
      </form>
      <Notice outcome={outcome} pending={pending} />
      {phones && phones.length > 0 && (
        <ul class="card-list">
          {phones.map((m) => (
            <MethodRow key={m.id} method={m} onChanged={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function MethodRow({ method, onChanged }: { method: ContactMethod; onChanged: () => unknown }) {
  const [code, setCode] = useState('');
  const { pending, outcome, run } = useAction();
  const verify = (ev: Event) => {
    ev.preventDefault();
    void run('Checking the code…', async () => {
      await verifyMethod(method.id, code.trim());
      await onChanged();
      return `${method.address} is verified: pages reach it from now on.`;
    });
  };
  return (
    <li class="card stack">
      <p class="device-label">
        <strong>{method.address}</strong>
        {method.kind !== 'email' && (
          <span class="muted"> · {method.kind === 'sms' ? 'SMS' : 'voice'}</span>
        )}{' '}
        <span class={method.verified ? 'muted' : 'badge'}>
          {method.verified ? '· verified' : 'not verified'}
        </span>
      </p>
      {method.lastFailure && (
        <p class="muted small">
          Last failure {method.lastFailureAt ? formatTime(method.lastFailureAt, Date.now()) : ''}:{' '}
          {method.lastFailure}
        </p>
      )}
      {!method.verified && (
        <form class="inline-form" onSubmit={verify}>
          <label class="field">
            <span>Code from the {method.kind === 'email' ? 'email' : 'text message'}</span>
            <input
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </label>
          <button
            type="submit"
            class="button button-primary"
            disabled={pending !== null || code.trim().length !== 6}
          >
            Verify
          </button>
          <button
            type="button"
            class="button"
            disabled={pending !== null}
            onClick={() =>
              void run(
                'Sending a new code…',
                async () => (await resendCode(method.id)).code.message,
              )
            }
          >
            New code
          </button>
        </form>
      )}
      <div class="row-buttons">
        <ConfirmButton
          label="Remove"
          confirm="Tap again to remove"
          disabled={pending !== null}
          onConfirm={() =>
            void run('Removing…', async () => {
              await deleteMethod(method.id);
              await onChanged();
              return `${method.address} removed.`;
            })
          }
        />
      </div>
      <Notice outcome={outcome} pending={pending} />
    </li>
  );
}
