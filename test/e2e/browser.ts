/**
 * End-to-end harness: headless Debian Chromium driven by playwright-core against an app served on loopback.
 * Screenshots go to test-artifacts/ (git-ignored) so a person can look at every page after a run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inCi } from '../cluster/harness/binaries.js';

export const CHROMIUM = process.env.QUOTAPLAN_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/**
 * Whether this file's browser suites run: without Debian's chromium they are skipped, loudly, and counted as
 * skipped; in CI (which installs chromium) a missing browser is an error.
 */
export function browserSuiteOptions(): { skip: string | false } {
  if (existsSync(CHROMIUM)) return { skip: false };
  const reason = `chromium not found at ${CHROMIUM} (apt-get install chromium, or set QUOTAPLAN_CHROMIUM)`;
  if (inCi()) throw new Error(`CI is set, so the browser tests must run: ${reason}`);
  process.stderr.write(`\n!! BROWSER TESTS SKIPPED: ${reason}\n\n`);
  test('the dashboard in headless Chromium', { skip: reason }, () => {});
  return { skip: reason };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page (its own context, at `viewport`) that records console errors, page errors, CSP violations and dialogs (an
 * alert would be one), so a test can assert there were none; `close` closes its context.
 */
export async function openPage(
  browser: Browser,
  viewport = { width: 1360, height: 900 },
): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, problems, close: () => context.close() };
}

/** Navigates to a dashboard page (`#/capacity`) and waits until the router says it has rendered. */
export async function gotoPage(page: Page, baseUrl: string, hash: string): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  await page.waitForFunction((expected) => document.getElementById('main')?.dataset.rendered === expected, hash);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = `${ARTIFACTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
