/**
 * The key lives in sessionStorage: it is gone when the tab closes, and
 * each tab may use another shop's key.
 */
const KEY_ITEM = 'optic-console.key';
const SALESPERSON_ITEM = 'optic-console.salesperson';

export const sessionStore = {
  key: (): string | null => sessionStorage.getItem(KEY_ITEM),
  saveKey: (key: string) => sessionStorage.setItem(KEY_ITEM, key),
  clear: () => sessionStorage.removeItem(KEY_ITEM),
  salesperson: (): string => sessionStorage.getItem(SALESPERSON_ITEM) ?? '',
  saveSalesperson: (name: string) =>
    sessionStorage.setItem(SALESPERSON_ITEM, name),
};
