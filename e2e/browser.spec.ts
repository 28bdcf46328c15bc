import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { startServerProcess, type ServerUnderTest } from './support/startServer';

let server: ServerUnderTest;

test.beforeAll(async () => {
  server = await startServerProcess();
  fs.writeFileSync(path.join(server.allowedDir, 'a.txt'), 'The cat sat on the mat.\n\nIt was a sunny day.');
  fs.mkdirSync(path.join(server.allowedDir, 'notes'));
  fs.writeFileSync(path.join(server.allowedDir, 'notes', 'b.md'), '# Notes\n\nA second document about dogs.');
  fs.writeFileSync(path.join(server.allowedDir, 'empty.txt'), '');
  fs.writeFileSync(path.join(server.allowedDir, 'image.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2, 3]));
});

test.afterAll(async () => {
  await server?.stop();
});

test('the UI talks to the real back end: app info, corpus indexing with progress', async ({ page }, testInfo) => {
  const consoleErrors: string[] = [];
  page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
  await page.goto(server.launchUrl);
  await expect(page.getByRole('heading', { name: 'TransEncoder Studio' })).toBeVisible();
  // app.info round trip: the data folder shown (on the home screen) is the one the server was started with.
  await expect(page.getByTestId('data-dir')).toHaveText(fs.realpathSync(server.dataDir));
  // The token was moved out of the address bar.
  expect(page.url()).not.toContain('token=');

  await page.getByTestId('nav-documents').click();
  await expect(page.getByTestId('allowed-roots')).toContainText(fs.realpathSync(server.allowedDir));
  await page.getByTestId('corpus-path').fill(fs.realpathSync(server.allowedDir));
  await page.getByTestId('corpus-name').fill('my docs');
  await page.getByTestId('corpus-create').click();
  await expect(page.getByTestId('job-status').first()).toHaveText('finished', { timeout: 60_000 });
  const corpora = page.getByTestId('corpora');
  await expect(corpora).toContainText('my docs');
  await corpora.getByRole('button', { name: 'Details of my docs' }).click();
  const docs = page.getByTestId('documents');
  await expect(docs).toContainText('a.txt');
  await expect(docs).toContainText(path.join('notes', 'b.md'));
  await expect(docs).toContainText(/empty\.txt.*skipped/);
  await expect(docs).toContainText(/image\.bin.*skipped/);

  const shot = testInfo.outputPath('app.png');
  await page.screenshot({ path: shot, fullPage: true });
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  fs.copyFileSync(shot, 'test-results/screenshots/browser-app.png');
  await testInfo.attach('app', { path: shot, contentType: 'image/png' });
  expect(consoleErrors).toEqual([]);
});

test('a path outside the chosen folders is refused in the UI and nothing is created', async ({ page, request }) => {
  await page.goto(server.launchUrl);
  const before = await request.post(`${server.url}/api/call/corpora.list`, { headers: { Authorization: `Bearer ${server.token}` }, data: {} });
  const countBefore = ((await before.json()) as { result: unknown[] }).result.length;
  await page.getByTestId('nav-documents').click();
  await page.getByTestId('corpus-path').fill('/etc');
  await page.getByTestId('corpus-create').click();
  await expect(page.getByTestId('error')).toContainText('outside the folders the app may read');
  const after = await request.post(`${server.url}/api/call/corpora.list`, { headers: { Authorization: `Bearer ${server.token}` }, data: {} });
  expect(((await after.json()) as { result: unknown[] }).result.length).toBe(countBefore);
});

test('the API refuses a wrong token, malformed calls and foreign origins with clear errors', async ({ request }) => {
  const call = (method: string, data: unknown, headers: Record<string, string> = {}) =>
    request.post(`${server.url}/api/call/${method}`, { headers: { Authorization: `Bearer ${server.token}`, ...headers }, data: data as object });

  const wrongToken = await request.post(`${server.url}/api/call/app.info`, { headers: { Authorization: 'Bearer nope' }, data: {} });
  expect(wrongToken.status()).toBe(401);
  expect((await wrongToken.json()).error.message).toMatch(/token/);

  const noToken = await request.post(`${server.url}/api/call/app.info`, { data: {} });
  expect(noToken.status()).toBe(401);

  const unknown = await call('app.launchMissiles', {});
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe('unknown_method');

  const extraField = await call('app.echo', { text: 'x', evil: true });
  expect(extraField.status()).toBe(400);
  expect((await extraField.json()).error.message).toMatch(/Invalid input for app.echo/);

  const wrongType = await call('corpora.documents', { corpusId: 'one' });
  expect(wrongType.status()).toBe(400);

  const badJson = await request.post(`${server.url}/api/call/app.info`, {
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    data: Buffer.from('{not json'),
  });
  expect(badJson.status()).toBe(400);
  expect((await badJson.json()).error.message).toMatch(/not valid JSON/);

  const foreign = await call('app.info', {}, { Origin: 'http://evil.example' });
  expect(foreign.status()).toBe(403);

  const rebinding = await request.post(`${server.url}/api/call/app.info`, {
    headers: { Authorization: `Bearer ${server.token}`, Host: 'evil.example' },
    data: {},
  });
  expect(rebinding.status()).toBe(421);

  const noEvents = await request.get(`${server.url}/api/events?token=wrong`);
  expect(noEvents.status()).toBe(401);

  const outside = await call('corpora.create', { name: 'x', path: '/etc' });
  expect(outside.status()).toBe(403);
  expect((await outside.json()).error.code).toBe('forbidden_path');

  const list = await call('corpora.list', {});
  expect(((await list.json()) as { result: { rootPath: string }[] }).result.every((c) => c.rootPath !== '/etc')).toBe(true);
});

test('the page is served with a strict Content-Security-Policy', async ({ request }) => {
  const res = await request.get(`${server.url}/`);
  expect(res.status()).toBe(200);
  const csp = res.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toContain('unsafe-eval');
});
