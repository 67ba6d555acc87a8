import axios from 'axios';
import type { AxiosInstance } from 'axios';
import type { Browser } from 'playwright-core';
import { createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { clientWithKey, createShopKey } from '../security/security-support';
import {
  LAN_HOST,
  launchChromium,
  openLogin,
  typeKey,
} from './console-browser';

describe('the console served by the API', () => {
  let stack: TestStack;
  let anonymous: AxiosInstance;
  let browser: Browser | undefined;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    anonymous = axios.create({
      baseURL: stack.apiUrl,
      validateStatus: () => true,
      responseType: 'text',
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("answers every screen's address with the page, without a key", async () => {
    for (const url of ['/console', '/console/', '/console/clients/abc']) {
      const page = await anonymous.get(url);

      expect([url, page.status, page.headers['content-type']]).toEqual([
        url,
        200,
        expect.stringMatching(/^text\/html/),
      ]);
      expect(page.data).toContain('<div id="root">');
      expect(page.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves the scripts and styles the page names, cached for good, and 404 for a missing one', async () => {
    const page = String((await anonymous.get('/console/')).data);
    const files = [
      ...page.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g),
    ];

    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const [, url] of files) {
      const file = await anonymous.get(url!);
      expect([url, file.status, file.headers['cache-control']]).toEqual([
        url,
        200,
        'public, max-age=31536000, immutable',
      ]);
    }
    expect((await anonymous.get('/console/assets/missing.js')).status).toBe(
      404,
    );
  });

  it('tells a key its shop and role, never its secret, and needs a key', async () => {
    const shopId = await createShop(stack.api);
    const key = await createShopKey(stack, shopId, 'staff');
    const answer = await clientWithKey(stack, key.key).get('/v1/api-key');

    expect(answer.status).toBe(200);
    expect(answer.data).toEqual({
      id: key.id,
      shopId,
      role: 'staff',
      prefix: key.key.slice(0, answer.data.prefix.length),
      label: 'staff key',
    });
    expect(JSON.stringify(answer.data)).not.toContain(key.key);
    expect((await anonymous.get('/v1/api-key')).status).toBe(401);
  });

  it('keeps the content security policy but never asks the browser to upgrade to HTTPS', async () => {
    for (const url of ['/console/', '/v1/api-key', '/docs']) {
      const policy = String(
        (await anonymous.get(url)).headers['content-security-policy'],
      );

      expect([url, policy]).toEqual([
        url,
        expect.stringContaining("default-src 'self'"),
      ]);
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('upgrade-insecure-requests');
    }
  });

  it("works over plain HTTP at a shop's LAN address, not only on localhost", async () => {
    const shopId = await createShop(stack.api);
    const key = await createShopKey(stack, shopId, 'manager');
    browser = await launchChromium();
    const port = new URL(stack.apiUrl).port;

    const page = await openLogin(browser, `http://${LAN_HOST}:${port}`);
    await typeKey(page, key.key);

    await page.getByRole('navigation', { name: 'Menu principal' }).waitFor();
    expect(await page.evaluate('window.isSecureContext')).toBe(false);
  });
});
