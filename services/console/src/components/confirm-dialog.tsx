import { useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Dialog } from './dialog';

/**
 * Asks before something that cannot be undone. The harmless answer has
 * the focus, so an Enter pressed out of habit changes nothing; Escape
 * answers it too.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm(): Promise<void>;
  onCancel(): void;
}) {
  const keep = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);

  const confirm = async () => {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={props.title}
      onClose={props.onCancel}
      initialFocus={keep}
      narrow
    >
      <div className="confirm-text">{props.children}</div>
      <div className="buttons">
        <button
          type="button"
          className="danger"
          onClick={confirm}
          disabled={busy}
        >
          {props.confirmLabel}
        </button>
        <button type="button" ref={keep} onClick={props.onCancel}>
          {props.cancelLabel}
        </button>
      </div>
    </Dialog>
  );
}
