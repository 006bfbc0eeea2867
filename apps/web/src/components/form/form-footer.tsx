export type FormOutcome = { ok: boolean; text: string } | null;

/**
 * The end of a form: what the last submit came to, read out as it changes (`alert` for a form
 * whose only outcome is an error, `status` otherwise), then the submit button.
 */
export function FormFooter({
  outcome,
  submitLabel,
  busy = false,
  announce = 'status',
}: {
  outcome: FormOutcome;
  submitLabel: string;
  busy?: boolean;
  announce?: 'alert' | 'status';
}) {
  return (
    <>
      <p
        className={outcome?.ok ? 'form-ok' : 'form-error'}
        role={announce}
        data-testid={announce === 'alert' ? 'form-error' : undefined}
      >
        {outcome?.text ?? ''}
      </p>
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {submitLabel}
      </button>
    </>
  );
}
