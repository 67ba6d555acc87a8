import { useSession } from '../session/session-context';

/** "Vendeur": who sends, kept for the tab; the history shows it. */
export function SalespersonField() {
  const { salesperson, setSalesperson } = useSession();
  return (
    <div className="inline-field">
      <label htmlFor="salesperson">Vendeur</label>
      <input
        id="salesperson"
        required
        maxLength={100}
        value={salesperson}
        onChange={(event) => setSalesperson(event.target.value)}
      />
    </div>
  );
}
