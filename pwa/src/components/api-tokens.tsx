import { useState } from 'preact/hooks';
import { createToken, listTokens, revokeToken } from '../lib/api';
import { formatTime } from '../lib/format';
import { useAction, useLoaded } from '../lib/hooks';
import { type InOrderSlot, useSettles } from '../lib/in-order';
import type { ApiToken } from '../lib/types';
import { Notice } from './notice';

/**
 * Personal API tokens for scripts: a new one is shown exactly once; any can be revoked. `order` places it among
 * Settings' sections (lib/in-order.ts).
 */
export function ApiTokens({ order }: { order?: InOrderSlot }) {
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const { pending, outcome, run } = useAction();
  const {
    data: tokens,
    error: error,
    reload,
  } = useLoaded(async () => (await listTokens()).tokens.filter((t) => t.revokedAt === null));
  const loading = tokens === null && !error;
  useSettles(order, !loading);

  const create = (ev: Event) => {
    ev.preventDefault();
    void run('Creating token…', async () => {
      const created = await createToken(name.trim());
      setSecret({ name: created.name, token: created.token });
      setName('');
      await reload();
      return 'Token created.';
    });
  };

  return (
    <section aria-labelledby="tokens-heading" aria-busy={loading} hidden={order?.hidden}>
      <h2 id="tokens-heading">My API tokens</h2>
      <form class="inline-form" onSubmit={create}>
        <label class="field">
          <span>New token name</span>
          <input
            value={name}
            maxLength={80}
            placeholder="deploy script"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="button" disabled={pending !== null || !name.trim()}>
          Create
        </button>
      </form>
      <Notice outcome={outcome} pending={pending} />
      {secret && (
        <NewSecret name={secret.name} token={secret.token} onDone={() => setSecret(null)} />
      )}
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {loading && <div class="skeleton-row" />}
      {tokens && tokens.length === 0 && (
        <p class="empty">No tokens. Scripts can use one as “Authorization: Bearer …”.</p>
      )}
      {tokens && tokens.length > 0 && (
        <ul class="card-list">
          {tokens.map((t) => (
            <TokenRow key={t.id} token={t} onRevoked={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

/** The secret, once: copy it now or never. */
function NewSecret({ name, token, onDone }: { name: string; token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="card secret" role="status">
      <p>
        <strong>{name}</strong>: copy it now, Firebell will not show it again.
      </p>
      <input
        class="secret-value"
        readOnly
        value={token}
        aria-label={`Token ${name}`}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div class="row-buttons">
        <button
          type="button"
          class="button"
          onClick={() =>
            void navigator.clipboard?.writeText(token).then(
              () => setCopied(true),
              () => undefined,
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" class="button" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function TokenRow({ token, onRevoked }: { token: ApiToken; onRevoked: () => Promise<void> }) {
  const { pending, outcome, run } = useAction();
  const [confirm, setConfirm] = useState(false);
  const now = Date.now();
  const revoke = () => {
    if (!confirm) return setConfirm(true);
    void run('Revoking…', async () => {
      await revokeToken(token.id);
      await onRevoked();
      return 'Revoked.';
    });
  };
  return (
    <li class="card">
      <p>
        <strong>{token.name}</strong>
      </p>
      <p class="muted small">
        Created {formatTime(token.createdAt, now)} ·{' '}
        {token.lastUsedAt ? `last used ${formatTime(token.lastUsedAt, now)}` : 'never used'}
      </p>
      <button
        type="button"
        class="button button-danger"
        disabled={pending !== null}
        onClick={revoke}
      >
        {confirm ? 'Tap again to revoke' : 'Revoke'}
      </button>
      <Notice outcome={outcome} pending={pending} />
    </li>
  );
}
