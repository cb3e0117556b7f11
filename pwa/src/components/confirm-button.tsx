import { useState } from 'preact/hooks';

interface Props {
  label: string;
  /** What the button says once armed: the consequence, e.g. "Tap again to delete". */
  confirm: string;
  onConfirm: () => void;
  disabled?: boolean;
  danger?: boolean;
}

/** A destructive action takes two taps: the first says what will happen, the second does it. */
export function ConfirmButton({ label, confirm, onConfirm, disabled, danger = true }: Props) {
  const [armed, setArmed] = useState(false);
  const tap = () => {
    if (!armed) return setArmed(true);
    setArmed(false);
    onConfirm();
  };
  return (
    <button
      type="button"
      class={`button ${danger ? 'button-danger' : ''}`}
      disabled={disabled}
      onClick={tap}
      onBlur={() => setArmed(false)}
    >
      {armed ? confirm : label}
    </button>
  );
}
