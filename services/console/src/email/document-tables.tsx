import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { DocumentInfo, Visit } from '../api/api-types';
import { formatDate } from '../format/dates';
import { useLoaded } from '../hooks/use-loaded';
import { useSession } from '../session/session-context';

/**
 * "Documents disponibles : Client / Visite": a double click (or Enter) on
 * a row attaches the document.
 */
export function AvailableDocuments(props: {
  clientId: string;
  visit?: Visit;
  onAttach(document: DocumentInfo): void;
  refreshKey: unknown;
}) {
  const { api } = useSession();
  const { clientId, visit, refreshKey } = props;
  const [owner, setOwner] = useState<'client' | 'visit'>(
    visit ? 'visit' : 'client',
  );
  const documents = useLoaded(
    () =>
      owner === 'visit' && visit
        ? api.visitDocuments(visit.id)
        : api.clientDocuments(clientId),
    [api, owner, clientId, visit, refreshKey],
  );

  return (
    <fieldset className="documents">
      <legend>Documents disponibles</legend>
      <div className="segmented">
        <label>
          <input
            type="radio"
            name="document-owner"
            checked={owner === 'client'}
            onChange={() => setOwner('client')}
          />
          Client
        </label>
        <label>
          <input
            type="radio"
            name="document-owner"
            checked={owner === 'visit'}
            disabled={!visit}
            onChange={() => setOwner('visit')}
          />
          Visite
        </label>
      </div>
      <p className="hint" id="attach-hint">
        Double-cliquez sur un document (ou Entrée) pour le joindre.
      </p>
      <DocumentTable
        caption="Documents disponibles"
        documents={documents.data?.items}
        onActivate={props.onAttach}
        describedBy="attach-hint"
      />
    </fieldset>
  );
}

/** Type, Nom, Date; each row can be focused and activated. */
export function DocumentTable(props: {
  caption: string;
  documents?: DocumentInfo[];
  onActivate?(document: DocumentInfo): void;
  onRemove?(document: DocumentInfo): void;
  describedBy?: string;
}) {
  const { shop } = useSession();
  const activate = (document: DocumentInfo) => props.onActivate?.(document);
  const onKey = (event: KeyboardEvent, document: DocumentInfo) => {
    if (event.key === 'Enter') activate(document);
  };
  return (
    <table className="document-table">
      <caption className="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Type</th>
          <th scope="col">Nom</th>
          <th scope="col">Date</th>
          {props.onRemove && (
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {props.documents?.length === 0 && (
          <tr>
            <td colSpan={props.onRemove ? 4 : 3}>Aucun document</td>
          </tr>
        )}
        {props.documents?.map((document) => (
          <tr
            key={document.id}
            tabIndex={props.onActivate ? 0 : undefined}
            aria-describedby={props.describedBy}
            onDoubleClick={() => activate(document)}
            onKeyDown={(event) => onKey(event, document)}
          >
            <td>{document.type}</td>
            <td>{document.name}</td>
            <td>{formatDate(document.createdAt, shop.timeZone)}</td>
            {props.onRemove && (
              <td>
                <button
                  type="button"
                  aria-label={`Retirer ${document.name}`}
                  onClick={() => props.onRemove?.(document)}
                >
                  Retirer
                </button>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
