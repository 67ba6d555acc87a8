import type { SecretBox } from '@optic/domain';
import type { Shop } from '@optic/db';
import type { SmsProvider } from '@optic/providers';

export interface SmsAccount {
  login: string;
  apiKey: string;
  type: 'sms_premium' | 'sms_low_cost';
}

/**
 * The SMS provider client of each shop: the platform's account, or the
 * shop's own when it has one, so that moving a shop to its own contract is
 * a settings change. Clients are built once per account and reused.
 */
export class SmsProviderRegistry {
  private readonly accounts = new Map<string, SmsProvider>();

  constructor(
    private readonly platform: SmsProvider,
    private readonly build: (account: SmsAccount) => SmsProvider,
    private readonly secrets: SecretBox | null,
  ) {}

  /** Every account is with the same provider, so they share its window. */
  get deduplicationWindowMs(): number {
    return this.platform.deduplicationWindowMs;
  }

  forShop(shop: Shop): SmsProvider {
    if (!shop.smsProviderLogin || !shop.smsProviderKeyEnc || !this.secrets) {
      return this.platform;
    }
    const key = `${shop.smsProviderLogin}\u0000${shop.smsProviderKeyEnc}\u0000${shop.smsProviderType}`;
    let provider = this.accounts.get(key);
    if (!provider) {
      provider = this.build({
        login: shop.smsProviderLogin,
        apiKey: this.secrets.open(shop.smsProviderKeyEnc),
        type: shop.smsProviderType ?? 'sms_premium',
      });
      this.accounts.set(key, provider);
    }
    return provider;
  }

  close(): void {
    this.platform.close();
    for (const provider of this.accounts.values()) provider.close();
    this.accounts.clear();
  }
}
