import { useState } from 'preact/hooks';

interface Props {
  /** Names the field for assistive tech and the Copy button: "Calendar feed URL". */
  label: string;
  value: string;
  /** Several lines (a config snippet) shown as preformatted text rather than one input. */
  multiline?: boolean;
}

/** A value to paste elsewhere: selectable text and a Copy button that says when it worked. */
export function CopyField({ label, value, multiline = false }: Props) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = () =>
    void (navigator.clipboard?.writeText(value) ?? Promise.reject(new Error('no clipboard'))).then(
      () => setCopied('yes'),
      () => setCopied('no'),
    );
  return (
    <div class={multiline ? 'copy-field copy-field-multi' : 'copy-field'}>
      {multiline ? (
        <pre class="snippet" tabIndex={0} aria-label={label}>
          {value}
        </pre>
      ) : (
        <input
          class="secret-value"
          readOnly
          value={value}
          aria-label={label}
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
      <button type="button" class="button" aria-label={`Copy ${label}`} onClick={copy}>
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      <span class="visually-hidden" role="status">
        {copied === 'yes'
          ? `${label} copied`
          : copied === 'no'
            ? 'Copying is blocked here: select the text and copy it by hand.'
            : ''}
      </span>
    </div>
  );
}
