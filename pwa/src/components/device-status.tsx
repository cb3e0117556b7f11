import { useCallback, useEffect, useState } from 'preact/hooks';
import { useAction } from '../lib/hooks';
import { type InOrderSlot, useSettles } from '../lib/in-order';
import { checkDevice, turnOnPaging, type DeviceState } from '../lib/push';
import { Notice } from './notice';

const SAY: Record<DeviceState['kind'], string> = {
  on: 'This device will ring when you are paged.',
  off: 'This device will not ring when you are paged: notifications are off.',
  lost: 'This device stopped receiving pages: it was removed, or the browser dropped its subscription.',
  blocked:
    'Notifications are blocked for Firebell here. Allow them in the browser’s site settings (the icon left of the address), then come back.',
  'install-first':
    'On iPhone and iPad, pages only reach the installed app: tap Share, then “Add to Home Screen”, open Firebell from there and turn notifications on.',
  unsupported:
    'This browser cannot receive pages. Use Chrome, Edge or Firefox, or Safari from the Home Screen.',
  unknown: 'Could not check whether this device will ring (offline?).',
};

const FIX: Partial<Record<DeviceState['kind'], string>> = {
  off: 'Turn on notifications',
  lost: 'Turn notifications back on',
};

/** Where this device stands, re-checked on demand. */
export function useDeviceState() {
  const [state, setState] = useState<DeviceState | null>(null);
  const refresh = useCallback(
    async () => setState(await checkDevice().catch((): DeviceState => ({ kind: 'unknown' }))),
    [],
  );
  useEffect(() => void refresh(), [refresh]);
  return { state, setState, refresh };
}

interface Props {
  /** Home shows one line and the fix; Settings adds the label of this device. */
  compact?: boolean;
  /** Told when this device was registered, so a device list can refresh. */
  onTurnedOn?: () => void;
  /** Settings shows the sections below once this has checked (lib/in-order.ts). */
  order?: InOrderSlot;
}

/** "Will this device ring?" with the one tap that fixes it; the permission prompt only ever follows that tap. */
export function DeviceStatus({ compact = false, onTurnedOn, order }: Props) {
  const { state, setState } = useDeviceState();
  useSettles(order, state !== null);
  const { pending, outcome, run } = useAction();
  const fix = state ? FIX[state.kind] : undefined;

  const turnOn = () =>
    run('Turning on notifications…', async () => {
      const device = await turnOnPaging();
      setState({ kind: 'on', device });
      onTurnedOn?.();
      // Verified once the device shows the test page and its receipt is back: let the list look again shortly.
      if (device.testPageSent)
        for (const ms of [1_500, 4_000, 10_000]) setTimeout(() => onTurnedOn?.(), ms);
      // A new device was sent a test page: showing it verifies the device, no tap needed.
      return `Done: “${device.label}” will ring when you are paged.${device.testPageSent ? ' A test page is on its way: once this device shows it, it counts as verified.' : ''}`;
    });

  if (compact && (state === null || (state.kind === 'on' && !outcome))) {
    return (
      <p class="device-ok muted" aria-live="polite">
        {state ? `✓ ${SAY.on}` : ''}
      </p>
    );
  }
  return (
    <section
      class={`card device-status ${state && state.kind !== 'on' ? 'device-status-warn' : ''}`}
      aria-label="Pages on this device"
      aria-busy={state === null}
    >
      <p>{state ? SAY[state.kind] : 'Checking whether this device will ring…'}</p>
      {state?.kind === 'on' && !compact && (
        <p class="muted">Registered as “{state.device.label}”.</p>
      )}
      {fix && (
        <button
          type="button"
          class="button button-primary"
          disabled={pending !== null}
          onClick={turnOn}
        >
          {pending ? 'Turning on…' : fix}
        </button>
      )}
      <Notice outcome={outcome} pending={pending} />
    </section>
  );
}
