import { useMemo, useState } from 'react';
import { CampaignsScreen } from './campaigns/campaigns-screen';
import { ClientRecordScreen } from './clients/client-record-screen';
import { ClientsScreen } from './clients/clients-screen';
import { CreditScreen } from './credit/credit-screen';
import { Link, useRoute } from './router/router';
import type { Route } from './router/router';
import { LoginScreen } from './screens/login-screen';
import { ShopPickerScreen } from './screens/shop-picker-screen';
import {
  canManage,
  SessionContext,
  useSession,
} from './session/session-context';
import type { Session } from './session/session-context';
import { sessionStore } from './session/session-store';
import { useConnection } from './session/use-connection';
import { SettingsScreen } from './settings/settings-screen';

/** The console: the login, then the shop's screens. */
export function App() {
  const {
    signed,
    connection,
    error,
    restoring,
    login,
    logout,
    chooseShop,
    leaveShop,
    refreshShop,
  } = useConnection();
  const [salesperson, setSalesperson] = useState(sessionStore.salesperson);

  const session = useMemo<Session | null>(() => {
    if (!connection) return null;
    return {
      ...connection,
      refreshShop,
      salesperson: salesperson || connection.key.label,
      setSalesperson: (name: string) => {
        sessionStore.saveSalesperson(name);
        setSalesperson(name);
      },
      logout,
      // Only a key of no shop (admin) may go and pick another.
      leaveShop: connection.key.shopId ? null : leaveShop,
    };
  }, [connection, refreshShop, salesperson, logout, leaveShop]);

  if (restoring) return <p className="loading">Connexion…</p>;
  if (!session && signed)
    return (
      <ShopPickerScreen
        client={signed.client}
        onChoose={chooseShop}
        onLogout={logout}
      />
    );
  if (!session) return <LoginScreen onLogin={login} error={error} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell />
    </SessionContext.Provider>
  );
}

const ROLE_LABEL = { staff: 'Vendeur', manager: 'Responsable', admin: 'Admin' };

function Shell() {
  const session = useSession();
  const route = useRoute();
  const manager = canManage(session.key.role);

  return (
    <>
      <a className="skip-link" href="#main">
        Aller au contenu
      </a>
      <header className="top-bar">
        <span className="shop-name">{session.shop.name}</span>
        <nav aria-label="Menu principal">
          <Link to={{ screen: 'clients' }} current={isClients(route)}>
            Clients
          </Link>
          {manager && (
            <Link
              to={{ screen: 'campaigns' }}
              current={route.screen === 'campaigns'}
            >
              Campagnes
            </Link>
          )}
          <Link to={{ screen: 'credit' }} current={route.screen === 'credit'}>
            Crédit SMS
          </Link>
          {manager && (
            <Link
              to={{ screen: 'settings' }}
              current={route.screen === 'settings'}
            >
              Paramétrage
            </Link>
          )}
        </nav>
        <span className="who">
          {ROLE_LABEL[session.key.role]} · {session.key.prefix}…
        </span>
        {session.leaveShop && (
          <button type="button" onClick={session.leaveShop}>
            Changer de magasin
          </button>
        )}
        <button type="button" onClick={session.logout}>
          Se déconnecter
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen route={route} manager={manager} />
      </main>
    </>
  );
}

function Screen(props: { route: Route; manager: boolean }) {
  const { route } = props;
  if (route.screen === 'client')
    return (
      <ClientRecordScreen key={route.clientId} clientId={route.clientId} />
    );
  if (route.screen === 'credit') return <CreditScreen />;
  if (!props.manager && route.screen !== 'clients') return <NotAllowed />;
  if (route.screen === 'campaigns') return <CampaignsScreen />;
  if (route.screen === 'settings') return <SettingsScreen />;
  return <ClientsScreen />;
}

function NotAllowed() {
  return (
    <p role="alert" className="problem">
      Votre clé ne donne pas accès à cet écran : demandez au responsable du
      magasin.
    </p>
  );
}

function isClients(route: Route): boolean {
  return route.screen === 'clients' || route.screen === 'client';
}
