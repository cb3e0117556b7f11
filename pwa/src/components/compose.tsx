import { useRef, useState } from 'preact/hooks';
import { commandPath, isNetworkError, runCommand } from '../lib/api';
import { useAction } from '../lib/hooks';
import { enqueue } from '../lib/outbox';
import type { Incident } from '../lib/types';
import { Notice } from './notice';

type Kind = 'notes' | 'status-updates';

const WORDS: Record<Kind, { progress: string; done: string; queued: string; label: string }> = {
  notes: {
    progress: 'Saving note…',
    done: 'Note added.',
    queued: 'Note queued: waiting for network.',
    label: 'Add a note',
  },
  'status-updates': {
    progress: 'Posting status update…',
    done: 'Status update posted.',
    queued: 'Status update queued: waiting for network.',
    label: 'Post a status update',
  },
};

/**
 * Write a note or a status update. One idempotency key per draft, so retrying after a timeout, or the
 * offline queue replaying it, cannot post it twice.
 */
export function ComposeForm({
  id,
  onSaved,
}: {
  id: string;
  onSaved: (incident: Incident) => void;
}) {
  const [text, setText] = useState('');
  const keyRef = useRef<string | null>(null);
  const { pending, outcome, run } = useAction();

  const submit = (kind: Kind) => {
    const body = text.trim();
    if (!body) return;
    const key = (keyRef.current ??= crypto.randomUUID());
    const words = WORDS[kind];
    void run(words.progress, async () => {
      try {
        const res = await runCommand(id, kind, { text: body }, { idempotencyKey: key });
        onSaved(res.incident);
        return words.done;
      } catch (err) {
        if (!isNetworkError(err)) throw err;
        enqueue({
          key,
          incidentId: id,
          path: commandPath(id, kind),
          body: { text: body },
          label: `${words.label}: “${body.slice(0, 40)}”`,
          done: words.done,
        });
        return words.queued;
      }
    }).then((ok) => {
      // Sent or queued: this draft is done. A refusal keeps it, and its key, for a retry.
      if (ok) {
        keyRef.current = null;
        setText('');
      }
    });
  };

  return (
    <form
      class="note-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        submit('notes');
      }}
    >
      <label class="field">
        <span>Add a note</span>
        <textarea
          rows={2}
          maxLength={4000}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            keyRef.current = null; // a different text is a different intent
          }}
        />
      </label>
      <div class="form-buttons">
        <button type="submit" class="button" disabled={pending !== null || !text.trim()}>
          {pending === WORDS.notes.progress ? 'Saving…' : 'Add note'}
        </button>
        <button
          type="button"
          class="button"
          disabled={pending !== null || !text.trim()}
          onClick={() => submit('status-updates')}
        >
          {pending === WORDS['status-updates'].progress ? 'Posting…' : 'Post as status update'}
        </button>
      </div>
      <Notice outcome={outcome} pending={pending} />
    </form>
  );
}
