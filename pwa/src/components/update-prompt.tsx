import { acceptUpdate, dismissUpdate, useUpdateAvailable } from '../lib/sw-bridge';

/** "Update available — reload": shown while a new service worker waits; reloads only when tapped. */
export function UpdatePrompt() {
  if (!useUpdateAvailable()) return null;
  return (
    <div class="toast" role="status">
      <span>Update available</span>
      <button type="button" class="button" onClick={acceptUpdate}>
        Reload
      </button>
      <button type="button" class="icon-button" aria-label="Later" onClick={dismissUpdate}>
        ×
      </button>
    </div>
  );
}
