import { useState } from 'react';
import type { FormEvent } from 'react';
import { listShops } from '../api/admin-api';
import type { ShopSummary } from '../api/admin-api';
import type { ApiClient } from '../api/api-client';
import type { ApiError } from '../api/api-error';
import type { Page } from '../api/api-types';
import { ProblemMessage } from '../components/problem-message';
import { asApiError, useLoaded } from '../hooks/use-loaded';

/**
 * An admin key belongs to no shop: the operator picks the one whose
 * console to open from the list of every shop (searched by name), or by
 * its identifier.
 */
export function ShopPickerScreen(props: {
  client: ApiClient;
  onChoose(shopId: string): Promise<void>;
  onLogout(): void;
}) {
  const [error, setError] = useState<ApiError | null>(null);
  const choose = async (shopId: string) => {
    try {
      await props.onChoose(shopId);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };

  return (
    <main className="login" id="main">
      <section className="card picker-card" aria-labelledby="picker-title">
        <h1 id="picker-title">Choisir un magasin</h1>
        <p>
          Cette clé d'administration n'appartient à aucun magasin : choisissez
          celui dont vous ouvrez la console, avec les droits d'un responsable.
        </p>
        <ShopList client={props.client} onChoose={choose} />
        <ShopIdForm onChoose={choose} />
        {error && <ShopProblem error={error} />}
        <button type="button" onClick={props.onLogout}>
          Se déconnecter
        </button>
      </section>
    </main>
  );
}

function ShopList(props: {
  client: ApiClient;
  onChoose(shopId: string): Promise<void>;
}) {
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const list = useShopPages(props.client, search);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSearch(typed.trim());
  };

  return (
    <>
      <h2>Magasins</h2>
      <form role="search" className="search-form" onSubmit={submit}>
        <label htmlFor="shop-search">Nom du magasin</label>
        <input
          id="shop-search"
          type="search"
          autoComplete="off"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
        />
        <button type="submit">Rechercher</button>
      </form>
      <ProblemMessage error={list.error} />
      {list.shops?.length === 0 && <p role="status">Aucun magasin.</p>}
      <ul className="shop-choices">
        {list.shops?.map((shop) => (
          <li key={shop.id}>
            <button type="button" onClick={() => props.onChoose(shop.id)}>
              {shop.name} · {shop.creditBalance} crédit(s)
              {shop.lowCredit ? ' (bas)' : ''}
            </button>
          </li>
        ))}
      </ul>
      {list.loadMore && (
        <button type="button" onClick={list.loadMore}>
          Afficher plus de magasins
        </button>
      )}
    </>
  );
}

/** The pages loaded after a first one, kept only while it is current. */
interface NextPages {
  after: Page<ShopSummary>;
  pages: Page<ShopSummary>[];
}

function pagesAfter(
  next: NextPages | null,
  first: Page<ShopSummary>,
): Page<ShopSummary>[] {
  return next && next.after === first ? next.pages : [];
}

/**
 * The shops matching `search`, one page at first, more on demand; a new
 * search starts again from its first page.
 */
function useShopPages(client: ApiClient, search: string) {
  const first = useLoaded(() => listShops(client, search), [client, search]);
  const [next, setNext] = useState<NextPages | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const start = first.data;
  const pages = start ? [start, ...pagesAfter(next, start)] : [];
  const cursor = pages[pages.length - 1]?.nextCursor;
  const loadMore = async (after: Page<ShopSummary>, from: string) => {
    try {
      const page = await listShops(client, search, from);
      setNext((current) => ({
        after,
        pages: [...pagesAfter(current, after), page],
      }));
      setError(null);
    } catch (caught) {
      setError(asApiError(caught));
    }
  };

  return {
    shops: start && pages.flatMap((page) => page.items),
    error: first.error ?? error,
    loadMore: start && cursor ? () => loadMore(start, cursor) : null,
  };
}

function ShopIdForm(props: { onChoose(shopId: string): Promise<void> }) {
  const [shopId, setShopId] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await props.onChoose(shopId.trim());
  };

  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor="shop-id">Identifiant du magasin</label>
      <input
        id="shop-id"
        required
        autoComplete="off"
        spellCheck={false}
        value={shopId}
        onChange={(event) => setShopId(event.target.value)}
      />
      <button type="submit" className="primary">
        Ouvrir
      </button>
    </form>
  );
}

/** The API answers 404 for an identifier of no shop, as for a bad one. */
function ShopProblem(props: { error: ApiError }) {
  if (props.error.status !== 404) return <ProblemMessage error={props.error} />;
  return (
    <p role="alert" className="problem">
      Aucun magasin n'a cet identifiant.
    </p>
  );
}
