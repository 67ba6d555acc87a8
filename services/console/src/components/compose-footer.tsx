import type { ApiError } from '../api/api-error';
import { ProblemMessage } from './problem-message';
import { SalespersonField } from './salesperson-field';

/**
 * The foot of both sending windows: what happened to the last send, the
 * salesperson, and the manual's RAZ, Envoyer and Fermer.
 */
export function ComposeFooter(props: {
  error: ApiError | null;
  notice: string;
  canSend: boolean;
  onReset(): void;
  onClose(): void;
}) {
  return (
    <>
      <ProblemMessage error={props.error} />
      {props.notice && (
        <p role="status" className="notice">
          {props.notice}
        </p>
      )}
      <SalespersonField />
      <div className="buttons">
        <button type="button" onClick={props.onReset}>
          RAZ
        </button>
        <button type="submit" className="primary" disabled={!props.canSend}>
          Envoyer
        </button>
        <button type="button" onClick={props.onClose}>
          Fermer
        </button>
      </div>
    </>
  );
}
