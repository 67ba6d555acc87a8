import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ApiClient } from '../api/api-client';
import type { ApiError } from '../api/api-error';
import { ProblemMessage } from '../components/problem-message';
import { asApiError, useLoaded } from '../hooks/use-loaded';

/** A shop of the operators' overview (`GET /v1/admin/overview`). */
interface WatchedShop {
  shopId: string;
  name: string;
  credit: { balance: number; low: boolean };
}

/**
 * An admin key belongs to no shop: the operator picks the one whose
 * console to open, from the overview's shops (activity in the last day,
 * a running campaign, low credit) or by its identifier for any other.
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
        <WatchedShops client={props.client} onChoose={choose} />
        <ShopIdForm onChoose={choose} />
        {error && <ShopProblem error={error} />}
        <button type="button" onClick={props.onLogout}>
          Se déconnecter
        </button>
      </section>
    </main>
  );
}

function WatchedShops(props: {
  client: ApiClient;
  onChoose(shopId: string): Promise<void>;
}) {
  const overview = useLoaded(
    () => props.client.get<{ shops: WatchedShop[] }>('/v1/admin/overview'),
    [props.client],
  );
  const shops = overview.data?.shops;

  return (
    <>
      <h2>Magasins à suivre</h2>
      <p className="hint">
        Ceux qui ont envoyé depuis 24 h, ont une campagne en cours ou un crédit
        bas.
      </p>
      <ProblemMessage error={overview.error} />
      {shops?.length === 0 && <p>Aucun en ce moment.</p>}
      <ul className="shop-choices">
        {shops?.map((shop) => (
          <li key={shop.shopId}>
            <button type="button" onClick={() => props.onChoose(shop.shopId)}>
              {shop.name} · {shop.credit.balance} crédit(s)
              {shop.credit.low ? ' (bas)' : ''}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
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
