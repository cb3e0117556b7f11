/** Cancel and the primary action at the end of an edit form, thumb-reachable, side by side. */
export function FormButtons({
  save,
  disabled,
  onCancel,
}: {
  save: string;
  disabled: boolean;
  onCancel?: () => void;
}) {
  return (
    <div class="form-buttons">
      {onCancel && (
        <button type="button" class="button" onClick={onCancel}>
          Cancel
        </button>
      )}
      <button type="submit" class="button button-primary" disabled={disabled}>
        {save}
      </button>
    </div>
  );
}
