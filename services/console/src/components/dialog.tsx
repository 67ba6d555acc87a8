import { useEffect, useId, useRef } from 'react';
import type { ReactNode, RefObject } from 'react';

/**
 * A modal window (the native `<dialog>`): the page behind is inert, Tab
 * stays inside, Escape closes, and focus goes back to what opened it.
 */
export function Dialog(props: {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** What gets the focus when it opens. @defaultValue the first field */
  initialFocus?: RefObject<HTMLElement | null>;
  wide?: boolean;
  /** A question rather than a form. */
  narrow?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { initialFocus } = props;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    initialFocus?.current?.focus();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, [initialFocus]);

  return (
    <dialog
      ref={ref}
      className={dialogClass(props)}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: the parent decides, so that its state stays the truth.
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId} className="dialog-title">
        {props.title}
      </h2>
      {props.children}
    </dialog>
  );
}

function dialogClass(props: { wide?: boolean; narrow?: boolean }): string {
  if (props.wide) return 'dialog dialog-wide';
  return props.narrow ? 'dialog dialog-narrow' : 'dialog';
}
