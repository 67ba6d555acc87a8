import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiError } from '../api/api-error';
import { ProblemMessage } from '../components/problem-message';
import { formatDateTime } from '../format/dates';
import { labelOf, LEDGER_KIND } from '../format/labels';
import { formatCount, formatSigned } from '../format/numbers';
import { asApiError, useLoaded } from '../hooks/use-loaded';
import { canManage, useSession } from '../session/session-context';

/** "Crédit SMS": the balance, every movement, and recording a purchase. */
export function CreditScreen() {
  const { api, key, shop } = useSession();
  const ledger = useLoaded(() => api.ledger(), [api]);

  return (
    <section aria-labelledby="credit-title">
      <h1 id="credit-title">Crédit SMS</h1>
      <p className="balance">
        Solde :{' '}
        <strong>
          {formatCount(ledger.data?.balance ?? shop.creditBalance)}
        </strong>{' '}
        crédit(s) (un crédit par partie de SMS)
      </p>
      {canManage(key.role) && <PurchaseForm onRecorded={ledger.reload} />}
      <ProblemMessage error={ledger.error} />
      <div className="table-scroll">
        <table>
          <caption>Mouvements, du plus récent au plus ancien</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Mouvement</th>
              <th scope="col">Crédits</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {ledger.data?.items.map((entry) => (
              <tr key={entry.id}>
                <td>{formatDateTime(entry.createdAt, shop.timeZone)}</td>
                <td>{labelOf(LEDGER_KIND, entry.kind)}</td>
                <td className="number">{formatSigned(entry.amount)}</td>
                <td>{entry.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Credit is bought on the provider's web shop; this records the purchase
 * so the balance follows.
 */
function PurchaseForm(props: { onRecorded(): Promise<void> }) {
  const { api, refreshShop } = useSession();
  const [credits, setCredits] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [recorded, setRecorded] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const { balance } = await api.recordPurchase(
        Number(credits),
        note.trim(),
      );
      setRecorded(
        `Achat de ${formatCount(Number(credits))} crédit(s) enregistré : solde ${formatCount(balance)}.`,
      );
      setCredits('');
      setNote('');
      setError(null);
      await Promise.all([props.onRecorded(), refreshShop()]);
    } catch (caught) {
      setError(asApiError(caught));
      setRecorded(null);
    }
  };

  return (
    <form className="card inline-form" onSubmit={submit}>
      <h2>Enregistrer un achat</h2>
      <label htmlFor="purchase-credits">Crédits achetés</label>
      <input
        id="purchase-credits"
        type="number"
        min={1}
        required
        value={credits}
        onChange={(event) => setCredits(event.target.value)}
      />
      <label htmlFor="purchase-note">Note (facture, commande)</label>
      <input
        id="purchase-note"
        maxLength={200}
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <button type="submit" className="primary">
        Enregistrer
      </button>
      <ProblemMessage error={error} />
      {recorded && (
        <p role="status" className="notice">
          {recorded}
        </p>
      )}
    </form>
  );
}
