import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { TestStack } from '../support/test-stack';

/** Debian's chromium package; no test tool ever downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';

/**
 * A name as a shop's LAN gives its server (not localhost, so the browser
 * treats plain HTTP there as insecure); Chromium resolves it to loopback.
 */
export const LAN_HOST = 'caisse.optique.test';

// Nothing but the page under test: no updates, sync or background calls.
const CHROMIUM_FLAGS = [
  `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`,
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');

// Read once: a plain test run leaves the committed pictures alone.
const TAKE_SCREENSHOTS = process.env.CONSOLE_SCREENSHOTS === '1';

/** A shop counter's screen, and a tablet held upright. */
export const COUNTER_SCREEN = { width: 1366, height: 900 };
export const TABLET = { width: 768, height: 1024 };

/** Headless Chromium with a fresh profile (Playwright makes one per launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

/**
 * Opens the console served by the stack's API and signs in with `key`
 * the way staff do: typing it in the login form.
 */
export async function signIn(
  browser: Browser,
  stack: TestStack,
  key: string,
  viewport = COUNTER_SCREEN,
): Promise<Page> {
  const page = await openLogin(browser, stack.apiUrl, viewport);
  await typeKey(page, key);
  await page.getByRole('navigation', { name: 'Menu principal' }).waitFor();
  return page;
}

/** A fresh browser context on the login form of the console at `origin`. */
export async function openLogin(
  browser: Browser,
  origin: string,
  viewport = COUNTER_SCREEN,
): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${origin}/console/`);
  return page;
}

/** Types the key in the login form and submits it. */
export async function typeKey(page: Page, key: string): Promise<void> {
  await page.getByLabel("Clé d'API").fill(key);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** Finds a client by name and opens the record. */
export async function openClient(page: Page, name: string): Promise<void> {
  await page.getByRole('link', { name: 'Clients', exact: true }).click();
  await page.getByLabel('Nom ou téléphone').fill(name);
  await page.getByLabel('Nom ou téléphone').press('Enter');
  await page.getByRole('link', { name: new RegExp(name, 'i') }).click();
  await page
    .getByRole('heading', { level: 1, name: new RegExp(name, 'i') })
    .waitFor();
}

/**
 * Saves docs/screenshots/console-<name>.png, shown in the README, when
 * the run was started with CONSOLE_SCREENSHOTS=1.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!TAKE_SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENSHOTS, `console-${name}.png`),
    fullPage: true,
  });
}
