import type { Message } from '../api/api-types';
import { formatDateTime } from '../format/dates';
import { labelOf, MESSAGE_REASON, MESSAGE_STATUS } from '../format/labels';

/**
 * The manual's "Historique des envois" of one channel, newest first:
 * Téléphone (or Adresse), Date d'envoi, Vendeur, Message (or Objet), Etat.
 */
export function MessageHistory(props: {
  messages: Message[] | undefined;
  channel: 'sms' | 'email';
  timeZone: string;
  caption: string;
}) {
  const sms = props.channel === 'sms';
  const empty = sms ? 'Aucun SMS' : 'Aucun email';
  return (
    <div className="table-scroll">
      <table className="history">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{sms ? 'Téléphone' : 'Adresse'}</th>
            <th scope="col" aria-sort="descending">
              Date d'envoi ↓
            </th>
            <th scope="col">Vendeur</th>
            <th scope="col">{sms ? 'Message' : 'Objet'}</th>
            {!sms && <th scope="col">Pièces jointes</th>}
            <th scope="col">Etat</th>
          </tr>
        </thead>
        <tbody>
          {props.messages?.length === 0 && (
            <tr>
              <td colSpan={sms ? 5 : 6}>{empty}</td>
            </tr>
          )}
          {props.messages?.map((message) => (
            <HistoryRow
              key={message.id}
              message={message}
              timeZone={props.timeZone}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HistoryRow(props: { message: Message; timeZone: string }) {
  const { message } = props;
  const sms = message.channel === 'sms';
  return (
    <tr>
      <td>{message.recipient ?? '—'}</td>
      <td>
        {formatDateTime(
          message.timestamps.sentAt ?? message.timestamps.queuedAt,
          props.timeZone,
        )}
      </td>
      <td>{message.salesperson}</td>
      <td className="history-text">{sms ? message.text : message.subject}</td>
      {!sms && (
        <td>{message.attachments.map((a) => a.name).join(', ') || '—'}</td>
      )}
      <td data-status={message.status}>
        {labelOf(MESSAGE_STATUS, message.status)}
        {message.reason && ` (${labelOf(MESSAGE_REASON, message.reason)})`}
      </td>
    </tr>
  );
}

/** A message that may still change: the history keeps polling for it. */
export function isSettling(message: Message): boolean {
  return message.status === 'queued' || message.status === 'sending';
}
