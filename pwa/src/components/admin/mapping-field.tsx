import type { JSX } from 'preact';

interface Props {
  id: string;
  label: string;
  help: JSX.Element | string;
  value: string;
  onInput: (value: string) => void;
  errors?: string[];
  placeholder?: string;
  /** Several lines (value maps) rather than one. */
  rows?: number;
}

/** One mapping key: its label, the expression or template, a line of help, and what is wrong with it. */
export function MappingField({
  id,
  label,
  help,
  value,
  onInput,
  errors,
  placeholder,
  rows,
}: Props) {
  const invalid = (errors?.length ?? 0) > 0;
  const describedBy = `${id}-help${invalid ? ` ${id}-error` : ''}`;
  const common = {
    id,
    value,
    placeholder,
    spellcheck: false,
    autoCapitalize: 'off',
    autoComplete: 'off',
    class: 'code-input',
    'aria-invalid': invalid,
    'aria-describedby': describedBy,
  } as const;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {rows ? (
        <textarea {...common} rows={rows} onInput={(e) => onInput(e.currentTarget.value)} />
      ) : (
        <input {...common} onInput={(e) => onInput(e.currentTarget.value)} />
      )}
      <small id={`${id}-help`} class="muted">
        {help}
      </small>
      {invalid && (
        <small id={`${id}-error`} class="field-error">
          {errors!.join(' ')}
        </small>
      )}
    </div>
  );
}
