// The console in a real browser (issue 16): Debian's Chromium driven by
// playwright-core, against a real `schakel serve` (messages sent over mutual
// TLS first), `schakel demo-receiver` and `schakel console`, each started
// here on free loopback ports with a development PKI of their own.
//   node tests/console/console_test.mjs --schakel build/cli/schakel --out DIR
// Screenshots of each page go to DIR (for a person to look at). Exit 0 when
// every check passed; every failed check is printed.
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const argument = (name) => {
  const at = process.argv.indexOf(name);
  if (at < 0 || at + 1 >= process.argv.length) throw new Error(`missing ${name}`);
  return path.resolve(process.argv[at + 1]);
};
const schakel = argument('--schakel');
const out = argument('--out');
const BSN = '999990019';
const POLICE = '00000001002345678000';
const GGZ = '00000003003456789000';
const VEILIG_THUIS = '00000001004567890000';

let failures = 0;
let floodRefused = -1;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `: ${detail}`}`);
  if (!ok) failures += 1;
}

async function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 200; i += 1) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

// One region of its own: the example region rewired to free ports.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'schakel-console-'));
const ports = { receiver: await freePort(), listen: await freePort(), admin: await freePort(), console: await freePort() };
const region = fs.readFileSync(path.join(root, 'config/example-region/region.json'), 'utf8')
  .replaceAll('127.0.0.1:9101', `127.0.0.1:${ports.receiver}`);
fs.writeFileSync(path.join(dir, 'region.json'), region);
const pki = path.join(dir, 'pki');
fs.writeFileSync(path.join(dir, 'schakel.json'), JSON.stringify({
  guideline: path.join(root, 'config/guideline.json'),
  region: 'region.json',
  keys: 'keys',
  data_dir: 'data',
  tls: {
    ca: 'pki/ca.pem', server_cert: 'pki/gateway-server.pem', server_key: 'pki/gateway-server.key',
    client_cert: 'pki/gateway-client.pem', client_key: 'pki/gateway-client.key',
  },
  listen: { address: '127.0.0.1', port: ports.listen },
  admin: { address: '127.0.0.1', port: ports.admin },
  console: { listen: { address: '127.0.0.1', port: ports.console } },
}, null, 2));
execFileSync(path.join(root, 'config/dev-pki.sh'), [pki, path.join(dir, 'region.json')]);
execFileSync(schakel, ['keys', 'init', '--keys', path.join(dir, 'keys')]);
const password = 'correct horse battery staple';
const passwd = execFileSync(schakel, ['console', 'passwd', '--config', dir, '--user', 'privacy-team'],
  { input: `${password}\n` }).toString();
const totpSecret = /TOTP secret[^:]*: ([A-Z2-7]+)/.exec(passwd)?.[1];
check(Boolean(totpSecret), 'console passwd prints a TOTP secret');

const logs = {};
const children = [];
function start(name, args) {
  const child = spawn(schakel, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  logs[name] = '';
  child.stdout.on('data', (d) => { logs[name] += d; });
  child.stderr.on('data', (d) => { logs[name] += d; });
  children.push(child);
  return child;
}
start('receiver', ['demo-receiver', '--config', dir]);
start('gateway', ['serve', '--config', dir]);
await waitForPort(ports.receiver);
await waitForPort(ports.listen);
start('console', ['console', '--config', dir]);
await waitForPort(ports.console);

// Messages about the person, over mutual TLS as the police.
function send(recipient, level) {
  const body = fs.readFileSync(path.join(root, 'config/example-region/messages/e33-signal.json'));
  return new Promise((resolve, reject) => {
    const request = https.request({
      host: '127.0.0.1', port: ports.listen, path: '/v1/messages', method: 'POST',
      ca: fs.readFileSync(path.join(pki, 'ca.pem')),
      cert: fs.readFileSync(path.join(pki, 'partner-politie-eenheid-voorbeeld.pem')),
      key: fs.readFileSync(path.join(pki, 'partner-politie-eenheid-voorbeeld.key')),
      servername: 'localhost',
      headers: { 'Content-Type': 'application/json', 'Schakel-Recipient': recipient,
        'Schakel-Purpose': 'e33-confused-behaviour', 'Schakel-Level': level },
    }, (response) => { response.resume(); response.on('end', () => resolve(response.statusCode)); });
    request.on('error', reject);
    request.end(body);
  });
}
check(await send(GGZ, '2') === 200, 'a message about the person is delivered');
check(await send(VEILIG_THUIS, '2') === 403, 'another is refused');

function totp(secretBase32, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretBase32) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = crypto.createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 1000000).padStart(6, '0');
}

const base = `https://127.0.0.1:${ports.console}`;
fs.mkdirSync(out, { recursive: true });
const urls = [];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
async function context(certificate) {
  const options = { ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 } };
  if (certificate) {
    options.clientCertificates = [{ origin: base, certPath: path.join(pki, `${certificate}.pem`), keyPath: path.join(pki, `${certificate}.key`) }];
  }
  const made = await browser.newContext(options);
  made.on('request', (request) => urls.push(request.url()));
  return made;
}
// Every page a person sees: a screenshot, and every form control has a label
// (a <label for> naming it), so that a screen reader and a keyboard get everywhere.
const unlabelled = [];
async function shot(page, name) {
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
  const missing = await page.evaluate(() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea')].filter((control) => !control.id
    || !document.querySelector(`label[for="${control.id}"]`)).map((control) => control.name));
  if (missing.length) unlabelled.push(`${name}: ${missing.join(', ')}`);
}

try {
  // An officer with a certificate.
  const officer = await context('console-fg-voorbeeld');
  const page = await officer.newPage();
  let response = await page.goto(`${base}/`);
  check(page.url() === `${base}/sign-in`, 'signed out, the console sends one to sign in', page.url());
  const headers = response.headers();
  check((headers['content-security-policy'] || '').includes("default-src 'none'"), 'a strict Content-Security-Policy');
  await shot(page, '01-sign-in');
  await page.getByRole('button', { name: 'Aanmelden met certificaat' }).click();
  await page.waitForURL(`${base}/`);
  check(await page.getByRole('heading', { name: 'Overzicht' }).isVisible(), 'the certificate signs the officer in');
  const cookies = await officer.cookies();
  const session = cookies.find((c) => c.name === '__Host-schakel-session');
  check(session && session.httpOnly && session.secure && session.sameSite === 'Strict', 'the session cookie is Secure, HttpOnly, SameSite=Strict', JSON.stringify(session));
  check(await page.locator('svg[role="img"]').count() >= 4, 'the overview draws its charts');
  await shot(page, '02-overview');

  await page.goto(`${base}/trail`);
  await page.getByLabel('BSN van de persoon').fill(BSN);
  await page.getByLabel('Reden (verplicht)').selectOption('inzageverzoek');
  await shot(page, '03-trail-search');
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await page.waitForLoadState();
  const rows = page.locator('tbody tr');
  check(await rows.count() >= 3, 'the search finds the person\'s decisions and delivery', `${await rows.count()} rows`);
  check(!(await page.content()).includes(BSN), 'the results page does not show the BSN');
  await shot(page, '04-trail-results');
  await page.locator('tbody tr a').first().click();
  await page.waitForLoadState();
  check(await page.getByRole('heading', { name: 'Velden en regels' }).isVisible(), 'a record shows its fields and rules');
  check((await page.content()).includes('guideline.json#/purposes/e33-confused-behaviour'), 'each with the rule behind it');
  await shot(page, '05-record');

  await page.goto(`${base}/report`);
  await page.getByLabel('BSN van de persoon').fill(BSN);
  await page.getByLabel('Reden (verplicht)').selectOption('inzageverzoek');
  await page.getByLabel('Vorm').selectOption('json');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Rapport maken' }).click()]);
  const report = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  check(report.verwerkingsacties?.filter((a) => a.soort === 'decision').length === 1 && report.geweigerdeVerzoeken === 1,
    'the access report downloads as JSON', JSON.stringify(report).slice(0, 200));
  await page.goto(`${base}/report`);
  await page.getByLabel('BSN van de persoon').fill(BSN);
  await page.getByLabel('Reden (verplicht)').selectOption('inzageverzoek');
  await page.getByRole('button', { name: 'Rapport maken' }).click();
  await page.waitForLoadState();
  check((await page.content()).includes('over u hebben gedeeld'), 'and as a printable page');
  await shot(page, '06-report');

  // The policy: matrix, a cell, and a dry run that agrees with `schakel policy explain`.
  await page.goto(`${base}/policy`);
  check(await page.locator('h3#e33-confused-behaviour').isVisible(), 'the policy matrix lists the purposes');
  await shot(page, '07-policy-matrix');
  await page.goto(`${base}/policy/cell?purpose=e33-confused-behaviour&sender=police&recipient=mental_health&level=2`);
  check((await page.content()).includes('postcode4'), 'a cell shows how each field passes');
  await shot(page, '08-policy-cell');
  const message = fs.readFileSync(path.join(root, 'config/example-region/messages/e33-signal.json'), 'utf8');
  await page.goto(`${base}/policy/dry-run`);
  await page.getByLabel('Afzender', { exact: true }).selectOption(POLICE);
  await page.getByLabel('Ontvanger', { exact: true }).selectOption(GGZ);
  await page.getByLabel('Doel', { exact: true }).selectOption('e33-confused-behaviour');
  await page.getByLabel('Niveau', { exact: true }).selectOption('2');
  await page.getByLabel('Bericht (in het formaat van de afzender)').fill(message);
  await page.getByRole('button', { name: 'Proberen' }).click();
  await page.waitForLoadState();
  const shown = await page.locator('table').first().locator('tbody tr').evaluateAll(
    (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  const messageFile = path.join(dir, 'message.json');
  fs.writeFileSync(messageFile, message);
  const explained = JSON.parse(execFileSync(schakel, ['policy', 'explain', '--config', dir, '--from', POLICE, '--to', GGZ,
    '--purpose', 'e33-confused-behaviour', '--level', '2', messageFile, '--json']).toString());
  const expected = explained.fields.map((f) => [f.field, f.action, f.rule]);
  check(JSON.stringify(shown) === JSON.stringify(expected), 'the dry run shows what `schakel policy explain` shows',
    `${JSON.stringify(shown)} vs ${JSON.stringify(expected)}`);
  await shot(page, '09-dry-run');
  await page.goto(`${base}/policy/region`);
  await shot(page, '10-region-narrowing');

  await page.goto(`${base}/chain`);
  await page.getByRole('button', { name: 'Nu controleren' }).click();
  await page.getByText('intact', { exact: true }).waitFor({ timeout: 30000 });
  check(true, 'verify now runs and reports the chain intact');
  await shot(page, '11-chain');
  await page.goto(`${base}/region`);
  await shot(page, '12-region');
  // The same console on a tablet.
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${base}/trail`);
  await shot(page, '14-trail-search-tablet');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  check(!overflow, 'the search page fits a tablet without sideways scrolling');
  await page.setViewportSize({ width: 1280, height: 900 });

  // A search naming an outcome that does not exist (here: bytes that are not
  // UTF-8) is refused before anything is recorded: the trail stays intact.
  const csrf = await page.goto(`${base}/trail`).then(() => page.locator('input[name=csrf]').first().inputValue());
  const odd = await officer.request.post(`${base}/trail`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    data: `csrf=${encodeURIComponent(csrf)}&reason=controle&outcome=%C3%28`, maxRedirects: 0,
  });
  check(odd.status() === 422, 'an outcome that does not exist is refused', String(odd.status()));
  const foreign = await officer.request.post(`${base}/trail`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    data: `csrf=${encodeURIComponent(csrf)}&reason=controle`, maxRedirects: 0,
  });
  check(foreign.status() === 403, 'a form posted from another origin is refused', String(foreign.status()));
  const unknown = await page.goto(`${base}/no-such-page`);
  check(unknown.status() === 404 && (unknown.headers()['content-type'] || '').startsWith('text/html')
    && (unknown.headers()['content-security-policy'] || '').includes("default-src 'none'"),
  'an unknown path is a console page with the CSP, naming no route');
  // A form without the CSRF token is refused, even with the session cookie.
  const forged = await officer.request.post(`${base}/trail`, {
    form: { bsn: BSN, reason: 'klacht' }, maxRedirects: 0,
  });
  check(forged.status() === 403, 'a forged form without the CSRF token is refused', String(forged.status()));
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Afmelden' }).click();
  await page.waitForURL(`${base}/sign-in`);
  response = await page.goto(`${base}/trail`);
  check(page.url() === `${base}/sign-in`, 'signed out, the trail is out of reach');

  // Password and TOTP.
  const team = await context(null);
  const teamPage = await team.newPage();
  await teamPage.goto(`${base}/sign-in`);
  let reached = false;
  for (let i = 0; i < 12 && !reached; i += 1) {
    await teamPage.keyboard.press('Tab');
    reached = await teamPage.evaluate(() => document.activeElement?.id === 'user');
  }
  check(reached, 'the keyboard reaches the sign-in form');
  check(await teamPage.getByRole('button', { name: 'Aanmelden met certificaat' }).count() === 0, 'without a certificate only the password form');
  await teamPage.getByLabel('Gebruikersnaam').fill('privacy-team');
  await teamPage.getByLabel('Wachtwoord').fill('wrong password!');
  await teamPage.getByLabel('Code uit uw authenticator-app').fill(totp(totpSecret, Math.floor(Date.now() / 30000)));
  await teamPage.getByRole('button', { name: 'Aanmelden' }).click();
  check(await teamPage.getByText('Aanmelden mislukt').isVisible(), 'a wrong password is refused');
  await teamPage.goto(`${base}/sign-in`);
  await teamPage.getByLabel('Gebruikersnaam').fill('privacy-team');
  await teamPage.getByLabel('Wachtwoord').fill(password);
  await teamPage.getByLabel('Code uit uw authenticator-app').fill(totp(totpSecret, Math.floor(Date.now() / 30000)));
  await teamPage.getByRole('button', { name: 'Aanmelden' }).click();
  await teamPage.waitForURL(`${base}/`);
  check(await teamPage.getByRole('link', { name: 'Logboek' }).isVisible(), 'password and TOTP sign an officer in');

  // A region administrator sees counts, never persons.
  const admin = await context('console-regiobeheer-voorbeeld');
  const adminPage = await admin.newPage();
  await adminPage.goto(`${base}/sign-in`);
  await adminPage.getByRole('button', { name: 'Aanmelden met certificaat' }).click();
  await adminPage.waitForURL(`${base}/`);
  check(await adminPage.getByRole('link', { name: 'Logboek' }).count() === 0, 'a region admin has no trail in the menu');
  response = await adminPage.goto(`${base}/trail`);
  check(response.status() === 403, 'a region admin cannot see persons', String(response.status()));
  response = await adminPage.goto(`${base}/trail/record/1`);
  check(response.status() === 403, '... nor a record');
  response = await adminPage.goto(`${base}/region`);
  check(response.status() === 200, 'a region admin sees the region\'s work');
  await adminPage.goto(`${base}/?`);
  await adminPage.goto(`${base}/language?to=en`);
  check(await adminPage.getByRole('heading', { name: 'Overview' }).isVisible(), 'English labels');
  await shot(adminPage, '13-overview-english');

  // The person's inzage (issue 19) as `schakel audit export --subject --html`
  // writes it, in Chromium: Dutch, Dutch time, how each field was shared, no
  // BSN, and readable on a phone without sideways scrolling.
  const inzageFile = path.join(out, 'inzage.html');
  const exported = JSON.parse(execFileSync(schakel, ['audit', 'export', '--config', dir, '--subject', BSN,
    '--html', inzageFile], { stdio: ['ignore', 'pipe', 'ignore'] }).toString());
  check(exported.verwerkingsacties?.length > 0, 'the person\'s inzage lists exchanges', JSON.stringify(exported).slice(0, 200));
  const reader = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const inzagePage = await reader.newPage();
  await inzagePage.goto(`file://${inzageFile}`);
  check(await inzagePage.evaluate(() => document.documentElement.lang) === 'nl', 'the inzage page is Dutch');
  check(await inzagePage.getByRole('heading', { name: /over u hebben gedeeld/ }).isVisible(), '... with a heading saying what it is');
  const inzageText = await inzagePage.locator('main').innerText();
  check(/\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december) \d{4}, \d{2}:\d{2}/.test(inzageText),
    '... times in Dutch', inzageText.slice(0, 200));
  check(inzageText.includes('BSN vervangen door een pseudoniem') && inzageText.includes('als leeftijdscategorie'),
    '... saying how each was shared', inzageText.slice(0, 400));
  check(!inzageText.includes(BSN), '... without the BSN');
  await inzagePage.screenshot({ path: path.join(out, '15-inzage.png'), fullPage: true });
  await inzagePage.setViewportSize({ width: 390, height: 844 });
  const sideways = await inzagePage.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  check(!sideways, '... and readable on a phone without sideways scrolling');
  const fontSize = await inzagePage.evaluate(() => parseFloat(getComputedStyle(document.querySelector('td')).fontSize));
  check(fontSize >= 14, '... in letters of at least 14 px', String(fontSize));
  await inzagePage.screenshot({ path: path.join(out, '16-inzage-phone.png'), fullPage: true });
  await reader.close();

  // A partner's certificate gets nothing.
  const partner = await context('partner-politie-eenheid-voorbeeld');
  const partnerPage = await partner.newPage();
  response = await partnerPage.goto(`${base}/sign-in`);
  check(response.status() === 403, 'a partner certificate gets nothing', String(response.status()));
  response = await partnerPage.goto(`${base}/static/console.css`);
  check(response.status() === 403, '... not even the stylesheet');
  response = await partnerPage.goto(`${base}/no-such-page`);
  check(response.status() === 403, '... nor the list of what exists');

  // Sign-in tries beyond the console's overall rate are answered 429 without a record.
  const flood = await context(null);
  await flood.request.get(`${base}/sign-in`);
  const pre = (await flood.cookies()).find((c) => c.name === '__Host-schakel-pre').value;
  const statuses = [];
  const floodStart = Date.now();
  for (let i = 0; i < 40; i += 1) {
    const attempt = await flood.request.post(`${base}/sign-in/password`, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      data: `csrf=${pre}&user=nobody${i}&password=x&code=000000`, maxRedirects: 0,
    });
    statuses.push(attempt.status());
  }
  // 30 tries at once, then one every 2 s: the tokens that came back while the flood ran count too.
  floodRefused = statuses.filter((s) => s === 401).length;
  const refilled = Math.ceil((Date.now() - floodStart) / 2000);
  check(statuses.includes(429) && floodRefused <= 30 + refilled,
    'sign-in tries past the overall rate get 429', statuses.join(','));
} catch (error) {
  check(false, 'the browser run', error.stack);
  for (const open of browser.contexts().flatMap((c) => c.pages())) {
    console.log(`  at ${open.url()}: ${(await open.locator('main').innerText().catch(() => '')).slice(0, 300)}`);
  }
} finally {
  await browser.close();
}

check(unlabelled.length === 0, 'every form control on every page has a label', unlabelled.join('; '));

// The BSN typed into the console appears nowhere: no URL, no log, no file.
check(!urls.some((u) => u.includes(BSN)), 'no URL holds the BSN');
for (const child of children) child.kill('SIGTERM');
await new Promise((r) => setTimeout(r, 1500));
for (const [name, text] of Object.entries(logs)) check(!text.includes(BSN), `the ${name} log holds no BSN`);
let written = '';
const walk = (folder) => {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) walk(full); else written += fs.readFileSync(full, 'latin1');
  }
};
walk(path.join(dir, 'data'));
check(written.length > 0 && !written.includes(BSN), 'no file of the data directory holds the BSN');
const viewed = JSON.parse(execFileSync(schakel, ['audit', 'query', '--config', dir, '--bsn', BSN, '--json']).toString());
const outcomes = viewed.filter((r) => r.body?.kind === 'console' || r.kind === 'console').map((r) => (r.body ?? r).outcome);
check(outcomes.includes('searched') && outcomes.includes('viewed') && outcomes.includes('report'),
  'every look at the person is a console record of its own', JSON.stringify(outcomes));
const refusedSignIns = JSON.parse(execFileSync(schakel, ['audit', 'query', '--config', dir, '--json']).toString())
  .filter((r) => r.kind === 'console' && r.outcome === 'sign-in-refused').length;
// One refused record per 401 of the flood, plus the one wrong password before it; none per 429.
check(refusedSignIns === floodRefused + 1, 'refused sign-ins past the rate leave no record',
  `${refusedSignIns} records for ${floodRefused} + 1 refusals`);
const verified = execFileSync(schakel, ['audit', 'verify', '--config', dir]).toString();
check(verified.includes('intact'), 'the trail is intact after all of it', verified);
if (failures === 0) fs.rmSync(dir, { recursive: true, force: true });
console.log(failures === 0 ? 'all console checks passed' : `${failures} console check(s) failed (state kept in ${dir})`);
process.exit(failures === 0 ? 0 : 1);
