import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiError } from '../api/api-error';
import type { Client } from '../api/api-types';
import { ProblemMessage } from '../components/problem-message';
import { formatCount } from '../format/numbers';
import { asApiError } from '../hooks/use-loaded';
import { Link } from '../router/router';
import { useSession } from '../session/session-context';

/** Finds a client by name (any case or accent) or by phone, as typed. */
export function ClientsScreen() {
  const { api } = useSession();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Client[]>();
  const [error, setError] = useState<ApiError | null>(null);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setResults((await api.searchClients(query.trim())).items);
      setError(null);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };

  return (
    <section aria-labelledby="clients-title">
      <h1 id="clients-title">Clients</h1>
      <form role="search" onSubmit={search} className="search-form">
        <label htmlFor="client-search">Nom ou téléphone</label>
        <input
          id="client-search"
          type="search"
          required
          autoFocus
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="primary">
          Rechercher
        </button>
      </form>
      <ProblemMessage error={error} />
      {results && <ClientResults clients={results} />}
    </section>
  );
}

function ClientResults(props: { clients: Client[] }) {
  if (props.clients.length === 0) return <p role="status">Aucun client.</p>;
  return (
    <div className="table-scroll">
      <table>
        <caption>
          {formatCount(props.clients.length)} client(s) trouvé(s)
        </caption>
        <thead>
          <tr>
            <th scope="col">Nom</th>
            <th scope="col">Civilité</th>
            <th scope="col">Portable</th>
            <th scope="col">E-mail</th>
          </tr>
        </thead>
        <tbody>
          {props.clients.map((client) => (
            <tr key={client.id}>
              <td>
                <Link to={{ screen: 'client', clientId: client.id }}>
                  {client.lastName.toUpperCase()} {client.firstName ?? ''}
                </Link>
              </td>
              <td>{client.civility}</td>
              <td>{client.mobile ?? '—'}</td>
              <td>{client.email ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
