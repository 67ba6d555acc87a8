/**
 * The key lives in sessionStorage: it is gone when the tab closes, and
 * each tab may use another shop's key. An admin key also keeps the shop
 * it opened, so that a reload stays there.
 */
const KEY_ITEM = 'optic-console.key';
const SHOP_ITEM = 'optic-console.shop';
const SALESPERSON_ITEM = 'optic-console.salesperson';

export const sessionStore = {
  key: (): string | null => sessionStorage.getItem(KEY_ITEM),
  saveKey: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  shop: (): string | null => sessionStorage.getItem(SHOP_ITEM),
  saveShop: (shopId: string) => sessionStorage.setItem(SHOP_ITEM, shopId),
  forgetShop: () => sessionStorage.removeItem(SHOP_ITEM),
  clear: () => {
    sessionStorage.removeItem(KEY_ITEM);
    sessionStorage.removeItem(SHOP_ITEM);
  },
  salesperson: (): string => sessionStorage.getItem(SALESPERSON_ITEM) ?? '',
  saveSalesperson: (name: string) =>
    sessionStorage.setItem(SALESPERSON_ITEM, name),
};
