import { useCallback, useEffect, useState } from 'preact/hooks';
import { listDevices, removeDevice, renameDevice, testDevice } from '../lib/api';
import { formatTime } from '../lib/format';
import { errorText, useAction } from '../lib/hooks';
import { type InOrderSlot, useSettles } from '../lib/in-order';
import { currentEndpoint } from '../lib/push';
import type { PushDevice } from '../lib/types';
import { Notice } from './notice';

/**
 * My devices that Firebell pages: rename, remove, and "send a test page" to each. `version` bumps reload it.
 * `order` places it among Settings' sections (lib/in-order.ts).
 */
export function DeviceList({ version, order }: { version: number; order?: InOrderSlot }) {
  const [devices, setDevices] = useState<PushDevice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // This device's endpoint; undefined until known, since its "this device" badge can wrap a row to two lines.
  const [mine, setMine] = useState<string | null | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      setDevices((await listDevices()).subscriptions);
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  useEffect(() => {
    void reload();
    void currentEndpoint().then(setMine, () => setMine(null));
  }, [reload, version]);
  const loading = (devices === null && !error) || mine === undefined;
  useSettles(order, !loading);

  return (
    <section aria-labelledby="devices-heading" aria-busy={loading} hidden={order?.hidden}>
      <h2 id="devices-heading">My devices</h2>
      {error && (
        <p class="notice notice-error" role="alert">
          {error}
        </p>
      )}
      {loading ? (
        <div class="skeleton-row" />
      ) : devices === null ? null : devices.length === 0 ? (
        <p class="empty">
          No devices yet: turn notifications on above, on each phone you want paged.
        </p>
      ) : (
        <ul class="card-list">
          {devices.map((d) => (
            <DeviceRow key={d.id} device={d} thisDevice={d.endpoint === mine} onChanged={reload} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DeviceRow({
  device,
  thisDevice,
  onChanged,
}: {
  device: PushDevice;
  thisDevice: boolean;
  onChanged: () => Promise<void>;
}) {
  const { pending, outcome, run } = useAction();
  const [renaming, setRenaming] = useState(false);
  const [label, setLabel] = useState(device.label);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const now = Date.now();

  const test = () =>
    run('Sending a test page…', async () => {
      const res = await testDevice(device.id);
      if (res.removed) await onChanged();
      // Verified once the device shows it and its service worker's receipt is back: look again shortly.
      else if (!device.verifiedAt)
        for (const ms of [1_500, 4_000, 10_000]) setTimeout(() => void onChanged(), ms);
      return res.message;
    });
  const rename = (ev: Event) => {
    ev.preventDefault();
    void run('Renaming…', async () => {
      await renameDevice(device.id, label.trim());
      setRenaming(false);
      await onChanged();
      return 'Renamed.';
    });
  };
  const remove = () => {
    if (!confirmRemove) return setConfirmRemove(true);
    void run('Removing…', async () => {
      await removeDevice(device.id);
      await onChanged();
      return 'Removed.';
    });
  };

  return (
    <li class="card">
      <p class="device-label">
        <strong>{device.label}</strong>
        {thisDevice && <span class="badge status-acknowledged">this device</span>}
        {device.verifiedAt ? (
          <span class="badge status-resolved">verified</span>
        ) : (
          <span class="badge">not verified: send a test page</span>
        )}
      </p>
      <p class="muted small">
        {device.lastSuccessAt
          ? `Last page sent ${formatTime(device.lastSuccessAt, now)}`
          : `Added ${formatTime(device.createdAt, now)}`}
        {device.lastFailureAt && device.lastFailure
          ? ` · last failure ${formatTime(device.lastFailureAt, now)}: ${device.lastFailure}`
          : ''}
      </p>
      {renaming ? (
        <form class="inline-form" onSubmit={rename}>
          <label class="field">
            <span>Name</span>
            <input value={label} maxLength={80} onInput={(e) => setLabel(e.currentTarget.value)} />
          </label>
          <button type="submit" class="button" disabled={pending !== null || !label.trim()}>
            Save
          </button>
          <button type="button" class="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div class="row-buttons">
          <button type="button" class="button" disabled={pending !== null} onClick={test}>
            Send test page
          </button>
          <button
            type="button"
            class="button"
            disabled={pending !== null}
            onClick={() => setRenaming(true)}
          >
            Rename
          </button>
          <button
            type="button"
            class="button button-danger"
            disabled={pending !== null}
            onClick={remove}
          >
            {confirmRemove ? 'Tap again to remove' : 'Remove'}
          </button>
        </div>
      )}
      <Notice outcome={outcome} pending={pending} />
    </li>
  );
}
