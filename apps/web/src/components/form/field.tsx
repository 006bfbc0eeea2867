import type { InputHTMLAttributes, ReactNode } from 'react';

export type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: ReactNode;
  name: string;
  /** A note under the field that screen readers read with it (aria-describedby); no note when undefined. */
  hint?: ReactNode;
  /** The note's id (and test id); default `<name>-hint`. */
  hintId?: string;
};

/** A labelled input of a form, with an optional note tied to it. */
export function Field({ label, hint, hintId, ...input }: FieldProps) {
  const noteId = hint === undefined ? undefined : (hintId ?? `${input.name}-hint`);
  return (
    <>
      <label>
        {label}
        <input {...input} aria-describedby={noteId} />
      </label>
      {noteId && (
        <p id={noteId} className="muted" style={{ margin: 0, fontSize: 13 }} data-testid={noteId}>
          {hint}
        </p>
      )}
    </>
  );
}
