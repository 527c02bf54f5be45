// Browser tests of the web app: headless Chromium, driven by playwright-core, against a running
// ModelCloud server seeded by `modelcloud demo`.
//
//   MODELCLOUD_ADMIN_PASSWORD=… MODELCLOUD_TOKEN=mc_… node e2e/run.mjs \
//     --url http://127.0.0.1:8000 --results results.json --screenshots screenshots/ [--flows a,b]
//
// --flows runs only the named flows (after signIn, which every flow needs), in their usual order.
//
// Each flow is one async function that opens its own page in a browser context that is
// already signed in, checks what a user would see and returns those values. A flow that throws
// is recorded with its error, and the next flow still runs. The results file maps each flow's
// name to { passed, error, values, screenshots, seconds }; its `error` is set when the browser
// could not be started. The exit status is 1 only then, or when an option is missing, so the
// caller decides what a failed flow means.

import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

import { chromium } from "playwright-core";

const DEMO_TEAM = "demo";
// The team made at first start; the demo adds nothing to it, so it has no models.
const OTHER_TEAM = "default";
const SEARCH_TEXT = "cancer";
const SEARCHED_MODEL = "breast-cancer-classifier";
const PROTECTED_ALIAS = "production";
const INVALID_ALIAS = "Bad Alias";
/** Maximum wait for one visible change (a page load, a search, a live entry), so it only catches hangs. */
const WAIT_MS = 20_000;
/** Maximum wait for a subscription to reconnect: the client's longest pause between attempts, plus a refetch. */
const RECONNECT_WAIT_MS = 45_000;
// Dates as `Intl.DateTimeFormat` writes them with dateStyle and timeStyle "medium" (ICU in Chromium 156).
const EN_DATE_TIME = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M$/;
const ZH_DATE_TIME = /^\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}:\d{2}$/;
const CONNECTION_LOST = /^The live connection to the server is lost/;
// A close code that graphql-ws retries after (1012, Service Restart) and that the app shows as a lost connection.
const SERVICE_RESTART = 1012;

/** Flows in the order they run. Each receives a new page and the shared run state, and returns the values it checked. */
const FLOWS = {
  teamSwitcher,
  registrySearch,
  modelPage,
  auditLive,
  auditReconnect,
  graphiql,
  language,
  graphqlError,
  structureDiagram,
  trainingLiveCurve,
  deployRequestConsole,
  monitoringWallAlert,
};

function readOptions() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      results: { type: "string" },
      screenshots: { type: "string" },
      chromium: { type: "string", default: "/usr/bin/chromium" },
      flows: { type: "string" },
    },
  });
  const unknown = (values.flows ?? "").split(",").filter((name) => name !== "" && !(name in FLOWS));
  if (unknown.length > 0) {
    throw new Error(`unknown --flows ${unknown.join(", ")}; the flows are ${Object.keys(FLOWS).join(", ")}`);
  }
  const password = process.env.MODELCLOUD_ADMIN_PASSWORD;
  const token = process.env.MODELCLOUD_TOKEN;
  const missing = [
    ["--url", values.url],
    ["--results", values.results],
    ["--screenshots", values.screenshots],
    ["MODELCLOUD_ADMIN_PASSWORD", password],
    ["MODELCLOUD_TOKEN", token],
  ].filter(([, value]) => !value);
  if (missing.length > 0) {
    throw new Error(`missing ${missing.map(([name]) => name).join(", ")}; see the usage at the top of e2e/run.mjs`);
  }
  return { ...values, url: values.url.replace(/\/$/, ""), password, token };
}

async function main() {
  const options = readOptions();
  await mkdir(options.screenshots, { recursive: true });
  const started = performance.now();
  const results = { chromium: null, error: null, flows: {}, seconds: 0 };

  let browser = null;
  try {
    browser = await chromium.launch({
      executablePath: options.chromium,
      // Chromium's sandbox cannot start as root, and a test run inside `unshare` is root.
      args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
    });
    results.chromium = browser.version();
    const context = await browser.newContext({
      baseURL: options.url,
      locale: "en-US",
      timezoneId: "UTC",
      viewport: { width: 1440, height: 900 },
    });
    context.setDefaultTimeout(WAIT_MS);
    const run = { options, context, shots: 0, teamId: null, record: null };

    results.flows.signIn = await runFlow(run, signIn);
    const chosen = options.flows ? options.flows.split(",") : Object.keys(FLOWS);
    for (const [name, flow] of Object.entries(FLOWS).filter(([name]) => chosen.includes(name))) {
      results.flows[name] = results.flows.signIn.passed
        ? await runFlow(run, flow)
        : { passed: false, error: "not run: signIn failed", values: {}, screenshots: [], seconds: 0 };
    }
    await context.close();
  } catch (error) {
    results.error = error instanceof Error ? error.message : String(error);
    process.exitCode = 1;
  } finally {
    await browser?.close();
    results.seconds = round((performance.now() - started) / 1000);
    await writeFile(options.results, JSON.stringify(results, null, 2));
  }
}

/** Runs one flow, recording its values, screenshots and any uncaught page error or thrown error. */
async function runFlow(run, flow) {
  const started = performance.now();
  const record = { passed: false, error: null, values: {}, screenshots: [], seconds: 0 };
  const page = await run.context.newPage();
  const pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  run.record = record;

  try {
    record.values = await flow(page, run);
    if (pageErrors.length > 0) {
      throw new Error(`uncaught errors in the page: ${pageErrors.join(" | ")}`);
    }
    record.passed = true;
  } catch (error) {
    record.error = error instanceof Error ? error.message : String(error);
    await screenshot(page, run, "failure").catch(() => undefined);
  } finally {
    await page.close();
    record.seconds = round((performance.now() - started) / 1000);
  }
  return record;
}

/** Saves a full-page screenshot named after the flow's step, numbered in the order taken. */
async function screenshot(page, run, step) {
  run.shots += 1;
  const name = `${String(run.shots).padStart(2, "0")}-${step}.png`;
  await page.screenshot({ path: path.join(run.options.screenshots, name), fullPage: true });
  run.record.screenshots.push(name);
}

/** Polls `read` until `accept` is true for its value, or fails after `timeout` ms with the last value read. */
async function waitFor(description, read, accept, timeout = WAIT_MS) {
  const deadline = performance.now() + timeout;
  let value;
  let failure = null;
  for (;;) {
    try {
      value = await read();
      failure = null;
      if (accept(value)) {
        return value;
      }
    } catch (error) {
      failure = error;
    }
    if (performance.now() > deadline) {
      const last = failure ? `error ${failure.message}` : JSON.stringify(value);
      throw new Error(`timed out waiting for ${description}; last read: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

function sameItems(left, right) {
  return JSON.stringify([...left].sort()) === JSON.stringify([...right].sort());
}

function round(seconds) {
  return Math.round(seconds * 10) / 10;
}

async function texts(locator) {
  return (await locator.allInnerTexts()).map((text) => text.trim());
}

/**
 * Opens an Ant Design select and clicks the first option in its dropdown whose text contains `label` (a string)
 * or matches it (a RegExp). A dropdown closed just before may still be fading out, so its options can match too.
 */
async function pickOption(page, select, label) {
  await select.click();
  const option = page.locator(".ant-select-dropdown:visible .ant-select-item-option").filter({ hasText: label });
  await option.first().click();
}

async function chooseLanguage(page, label) {
  await pickOption(page, page.getByRole("combobox", { name: /^(Language|语言)$/ }), label);
}

/** Sends one GraphQL request with the admin's API token, as a program would, and returns its data. */
async function graphql(run, query, variables) {
  const response = await fetch(`${run.options.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${run.options.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  check(response.ok && !body.errors, `GraphQL request failed with HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function openTeamPage(page, run, section) {
  check(run.teamId !== null, `the ${DEMO_TEAM} team's id is unknown because teamSwitcher failed`);
  await page.goto(`/teams/${run.teamId}/${section}`);
}

// ---------------------------------------------------------------- flows

async function signIn(page, run) {
  await page.goto("/");
  await page.getByLabel("Username").waitFor();
  await screenshot(page, run, "sign-in");

  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(run.options.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  await page.getByRole("combobox", { name: "Team" }).waitFor();
  const { viewer } = await graphql(run, "{ viewer { user { username displayName } } }");
  const expected = viewer.user.displayName || viewer.user.username;
  const shown = (await page.locator(".app-username").innerText()).trim();
  check(
    shown === expected,
    `the header shows ${JSON.stringify(shown)} as the signed-in user, expected ${JSON.stringify(expected)}`,
  );
  await screenshot(page, run, "signed-in");
  return { shown, landing: new URL(page.url()).pathname };
}

async function teamSwitcher(page, run) {
  await page.goto("/");
  await page.waitForURL(/\/teams\/[^/]+\/models/);
  // Sign-in lands on the team with the most models, which is the demo's, not the empty `default`.
  const landed = await waitFor(
    `the switcher to show ${DEMO_TEAM}, the team with the most models, after sign-in`,
    () => page.locator(".team-switcher .ant-select-content").innerText(),
    (text) => text.trim() === DEMO_TEAM,
  );
  const demoPath = new URL(page.url()).pathname;

  const teams = await chooseTeam(page, run, OTHER_TEAM);
  const otherPath = new URL(page.url()).pathname;
  check(otherPath !== demoPath, `the address stayed ${demoPath} after choosing ${OTHER_TEAM}`);
  await chooseTeam(page, run, DEMO_TEAM);
  const after = new URL(page.url()).pathname;
  check(after === demoPath, `choosing ${DEMO_TEAM} again opened ${after}, expected ${demoPath}`);
  run.teamId = after.split("/")[2];
  await screenshot(page, run, "team-demo");
  return { teams, landed: landed.trim(), before: otherPath, after, teamId: run.teamId };
}

/** Opens the switcher, chooses `name`, waits until the switcher and the address show it, and returns the listed teams. */
async function chooseTeam(page, run, name) {
  const before = new URL(page.url()).pathname;
  await page.getByRole("combobox", { name: "Team" }).click();
  const options = page.locator(".ant-select-dropdown:visible .ant-select-item-option");
  const teams = await waitFor(
    "the team list",
    () => texts(options),
    (names) => names.includes(name),
  );
  await screenshot(page, run, `team-switcher-open-${name}`);
  await options.filter({ hasText: new RegExp(`^${name}$`) }).click();
  await waitFor(
    `the switcher to show ${name}`,
    () => page.locator(".team-switcher .ant-select-content").innerText(),
    (text) => text.trim() === name,
  );
  await waitFor(
    `the address to change after choosing ${name}`,
    async () => new URL(page.url()).pathname,
    (path) => path !== before && /\/teams\/[^/]+\/models/.test(path),
  );
  return teams;
}

/** Returns the model names of the registry rows in the DOM (the list is virtualized, and the demo has three). */
async function modelNames(page) {
  return texts(page.locator(".model-list-body .model-name a"));
}

async function registrySearch(page, run) {
  await openTeamPage(page, run, "models");
  const all = await waitFor(
    "the demo team's models",
    () => modelNames(page),
    (names) => names.length > 0,
  );

  const { models } = await graphql(run, "query($team: ID!) { models(teamId: $team, first: 100) { nodes { name } } }", {
    team: run.teamId,
  });
  const names = models.nodes.map((model) => model.name).sort();
  check(sameItems(all, names), `the list shows ${all.join(", ")}, but the API returns ${names.join(", ")}`);

  await page.getByLabel("Name contains").fill(SEARCH_TEXT);
  const expected = names.filter((name) => name.includes(SEARCH_TEXT));
  const found = await waitFor(
    "only the matching models",
    () => modelNames(page),
    (shown) => sameItems(shown, expected),
  );
  await page.waitForURL((url) => url.searchParams.get("q") === SEARCH_TEXT);
  check(found.includes(SEARCHED_MODEL), `the search for ${SEARCH_TEXT} shows ${found.join(", ")}, not ${SEARCHED_MODEL}`);
  const row = page.locator(".model-row").filter({ hasText: SEARCHED_MODEL });
  const aliases = await texts(row.locator("[role=cell]").nth(3).locator(".ant-tag"));
  check(
    aliases.some((alias) => alias.startsWith(`${PROTECTED_ALIAS} `)),
    `the row of ${SEARCHED_MODEL} shows the aliases ${JSON.stringify(aliases)}, without ${PROTECTED_ALIAS}`,
  );
  await screenshot(page, run, "registry-search");
  return { all, found, aliases, query: new URL(page.url()).search };
}

async function modelPage(page, run) {
  await openTeamPage(page, run, `models?q=${SEARCH_TEXT}`);
  await page.getByRole("link", { name: SEARCHED_MODEL }).click();
  await page.getByRole("heading", { level: 2, name: SEARCHED_MODEL }).waitFor();
  const modelId = new URL(page.url()).pathname.split("/")[4];
  await screenshot(page, run, "model-overview");

  await page.getByRole("tab", { name: "Versions", exact: true }).click();
  const versionRows = page.getByRole("tabpanel", { name: "Versions" }).locator("tbody tr.ant-table-row");
  const versions = await waitFor(
    "the version rows",
    async () => {
      const rows = [];
      for (const row of await versionRows.all()) {
        const cells = await texts(row.locator("td"));
        rows.push({ number: Number(cells[0]), status: cells[1], created: cells[6] });
      }
      return rows;
    },
    (rows) => rows.length > 0,
  );
  await screenshot(page, run, "model-versions");

  await page.getByRole("tab", { name: "Aliases", exact: true }).click();
  const aliasRows = page.getByRole("tabpanel", { name: "Aliases" }).locator("tbody tr.ant-table-row");
  const aliases = await waitFor(
    "the alias rows",
    async () => {
      const rows = [];
      for (const row of await aliasRows.all()) {
        const cells = await texts(row.locator("td"));
        // The alias cell contains the name and, for a protected alias, a "Protected" tag on the next line.
        const [alias = "", ...tags] = (cells[0] ?? "").split("\n");
        rows.push({ alias, protected: tags.includes("Protected"), version: Number(cells[1]) });
      }
      return rows;
    },
    (rows) => rows.length > 0,
  );
  await screenshot(page, run, "model-aliases");

  const { model } = await graphql(run, "query($id: ID!) { model(id: $id) { versionCount aliases { alias versionNumber } } }", {
    id: modelId,
  });
  const numbers = versions.map((version) => version.number);
  const expectedNumbers = Array.from({ length: model.versionCount }, (_, index) => index + 1);
  check(
    sameItems(numbers, expectedNumbers),
    `the versions shown are ${numbers.join(", ")}, expected ${expectedNumbers.join(", ")}`,
  );
  const production = aliases.find((row) => row.alias === PROTECTED_ALIAS);
  const expected = model.aliases.find((row) => row.alias === PROTECTED_ALIAS);
  check(production !== undefined, `the aliases shown are ${JSON.stringify(aliases)}, without ${PROTECTED_ALIAS}`);
  check(production.protected, `${PROTECTED_ALIAS} is not marked as protected`);
  check(
    production.version === expected?.versionNumber,
    `${PROTECTED_ALIAS} is shown at version ${production.version}, but the API has it at ${expected?.versionNumber}`,
  );
  return { modelId, versions, aliases };
}

/** Reads the audit table's rows that are in the DOM (the table is virtualized). */
async function auditRows(page) {
  const rows = [];
  for (const row of await page.locator(".ant-table-tbody-virtual .ant-table-row").all()) {
    const cells = await texts(row.locator(".ant-table-cell"));
    rows.push({ position: Number(cells[0]), time: cells[1], actor: cells[2], action: cells[3], summary: cells[4] });
  }
  return rows;
}

/**
 * Opens the team's audit log, waits for its entries and marks the page, so that a reload can be distinguished
 * from a live update afterwards. Returns the entries shown and the newest position among them.
 */
async function openLiveAuditLog(page, run) {
  await openTeamPage(page, run, "audit");
  await page.getByText("Live", { exact: true }).waitFor();
  const before = await waitFor(
    "the audit entries",
    () => auditRows(page),
    (rows) => rows.length > 0,
  );
  // A reload would clear this marker, so finding it afterwards shows the entry arrived live.
  await page.evaluate(() => {
    window.__liveMarker = true;
  });
  return { before, newest: Math.max(...before.map((row) => row.position)) };
}

async function auditLive(page, run) {
  const { before, newest } = await openLiveAuditLog(page, run);

  const name = `browser-test-${Date.now()}`;
  const created = await graphql(
    run,
    "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token { id name } } }",
    { input: { teamId: run.teamId, name, scopes: ["READ"] } },
  );
  const arrived = await waitFor(
    "the new audit entry",
    () => auditRows(page),
    (rows) => rows.some((row) => row.position > newest && row.summary.includes(name)),
  );
  const entry = arrived.find((row) => row.position > newest && row.summary.includes(name));
  const marker = await page.evaluate(() => window.__liveMarker === true);
  check(marker, "the page was reloaded while waiting for the live entry");
  // The platform keeps recording (measurements, inference windows), so a newer entry may sit above this one.
  // What must hold is newest-first order, which puts the new entry above every entry shown before it arrived.
  const positions = arrived.map((row) => row.position);
  const unordered = positions.findIndex((position, index) => index > 0 && positions[index - 1] <= position);
  check(unordered === -1, `the entries are not newest first: ${positions.slice(0, 6).join(", ")}`);
  await screenshot(page, run, "audit-live-entry");
  return { entriesBefore: before.length, newestBefore: newest, token: created.createApiToken.token.name, entry };
}

/** Issues an API token named `name` in the run's team, which adds an audit entry that names it. */
async function issueReadToken(run, name) {
  await graphql(run, "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token { id } } }", {
    input: { teamId: run.teamId, name, scopes: ["READ"] },
  });
}

/** Waits for an audit row after position `newest` whose summary contains `text`, and returns it. */
async function waitForAuditEntry(page, description, newest, text, timeout = WAIT_MS) {
  const rows = await waitFor(
    description,
    () => auditRows(page),
    (shown) => shown.some((row) => row.position > newest && row.summary.includes(text)),
    timeout,
  );
  return rows.find((row) => row.position > newest && row.summary.includes(text));
}

async function auditReconnect(page, run) {
  // Every subscription socket of the page goes through this route. While `down` is set, each connection
  // attempt is closed at once, as by a server that restarts; otherwise it is passed on to the server.
  let down = false;
  const open = [];
  let attempts = 0;
  await page.routeWebSocket(/\/graphql$/, (socket) => {
    attempts += 1;
    if (down) {
      socket.close({ code: SERVICE_RESTART, reason: "server restarting" });
      return;
    }
    socket.connectToServer();
    open.push(socket);
  });

  const { newest } = await openLiveAuditLog(page, run);
  check(open.length > 0, "the audit page opened no subscription socket");

  down = true;
  for (const socket of open.splice(0)) {
    await socket.close({ code: SERVICE_RESTART, reason: "server restarting" });
  }
  const notice = page.getByRole("status").filter({ hasText: CONNECTION_LOST });
  await notice.waitFor();
  const noticeText = (await notice.innerText()).trim();
  await screenshot(page, run, "audit-connection-lost");

  // The change happens while the page has no connection, so only the refetch after reconnecting can show it.
  const name = `reconnect-test-${Date.now()}`;
  await issueReadToken(run, name);
  down = false;

  // The client's pause between attempts doubles with each failed one, up to 30 s, so the reconnection
  // may come after WAIT_MS.
  const entry = await waitForAuditEntry(page, "the entry made while disconnected", newest, name, RECONNECT_WAIT_MS);
  await notice.waitFor({ state: "detached" });
  check(open.length > 0, "the page did not open a new subscription socket");
  const marker = await page.evaluate(() => window.__liveMarker === true);
  check(marker, "the page was reloaded while it reconnected");

  // Live updates continue on the new socket.
  const after = `after-reconnect-${Date.now()}`;
  await issueReadToken(run, after);
  const live = await waitForAuditEntry(page, "a live entry after reconnecting", entry.position, after);
  await screenshot(page, run, "audit-reconnected");
  return { newestBefore: newest, noticeText, connectionAttempts: attempts, entry, live };
}

/** Returns the text in GraphiQL's response pane; Monaco renders spaces as no-break spaces. */
async function graphiqlResponse(page) {
  const text = await page.locator(".graphiql-response .view-lines").innerText();
  return text.replaceAll("\u00a0", " ");
}

/** Replaces the operation in GraphiQL's editor and runs it. */
async function runInGraphiql(page, operation) {
  await page.locator(".graphiql-query-editor .monaco-editor").first().click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(operation);
  // The editor closes an opened bracket by itself, after the cursor, so whatever follows the operation goes.
  await page.keyboard.press("Shift+ControlOrMeta+End");
  await page.keyboard.press("Delete");
  await page.locator(".graphiql-execute-button").click();
}

async function graphiql(page, run) {
  const origin = new URL(run.options.url).origin;
  const outside = [];
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== origin) {
      outside.push(request.url());
    }
  });
  const sockets = [];
  page.on("websocket", (socket) => {
    sockets.push(socket.url());
    if (new URL(socket.url()).host !== new URL(origin).host) {
      outside.push(socket.url());
    }
  });

  await page.goto("/graphql");
  await page.locator(".graphiql-query-editor .monaco-editor").first().waitFor();
  await runInGraphiql(page, "{ viewer { user { username } } }");
  const queried = await waitFor(
    "the query's result in GraphiQL",
    () => graphiqlResponse(page),
    (text) => text.includes('"username": "admin"'),
  );
  await screenshot(page, run, "graphiql-query");

  const name = `graphiql-test-${Date.now()}`;
  // GraphiQL shows only the newest event, and the demo's measurements arrive every few seconds, so the
  // subscription filters on token entries. It replays from the current head, because the button can
  // offer Stop before the server has subscribed, and a token issued in between would be missed.
  const head = await graphql(run, "{ auditLog(first: 1) { edges { node { position } } } }");
  const after = head.auditLog.edges[0]?.node.position ?? 0;
  await runInGraphiql(
    page,
    `subscription { events(filter: { teamId: "${run.teamId}", action: "ApiToken.Issued" }, afterPosition: ${after}) ` +
      "{ action summary } }",
  );
  // The subscription has started once the button offers to stop it.
  await page.locator(".graphiql-execute-button[aria-label^='Stop']").waitFor();
  await issueReadToken(run, name);
  const pushed = await waitFor(
    "the subscription's entry in GraphiQL",
    () => graphiqlResponse(page),
    (text) => text.includes(name),
  );
  await screenshot(page, run, "graphiql-subscription");
  await page.locator(".graphiql-execute-button").click();

  check(outside.length === 0, `GraphiQL sent requests to other hosts: ${outside.join(", ")}`);
  check(sockets.length > 0, "GraphiQL opened no WebSocket for the subscription");
  return { queried: queried.trim(), pushed: pushed.trim(), sockets };
}

async function language(page, run) {
  await openTeamPage(page, run, "audit");
  const nav = page.getByRole("navigation", { name: /^(Main|主导航)$/ });
  const timeBefore = await waitFor(
    "an English date",
    async () => (await auditRows(page))[0]?.time,
    (time) => Boolean(time),
  );
  check(EN_DATE_TIME.test(timeBefore), `the English date ${JSON.stringify(timeBefore)} is not in en-US medium style`);

  await chooseLanguage(page, "简体中文");
  try {
    const auditLabel = await waitFor(
      "the translated navigation",
      () => texts(nav.getByRole("link")),
      (links) => links.includes("审计日志"),
    );
    const heading = (await page.getByRole("heading", { level: 2 }).innerText()).trim();
    const time = await waitFor(
      "a Chinese date",
      async () => (await auditRows(page))[0]?.time,
      (text) => text !== timeBefore,
    );
    check(ZH_DATE_TIME.test(time), `the date ${JSON.stringify(time)} is not in zh-CN medium style`);
    const htmlLang = await page.locator("html").getAttribute("lang");
    await screenshot(page, run, "audit-zh-CN");

    await openTeamPage(page, run, "models");
    const footer = await waitFor(
      "the Chinese list footer",
      () => page.locator(".model-list-footer").innerText(),
      (text) => /\d/.test(text),
    );
    const updated = (await page.locator(".model-row:not(.model-header) [role=cell]").last().innerText()).trim();
    check(ZH_DATE_TIME.test(updated), `the model's update time ${JSON.stringify(updated)} is not in zh-CN medium style`);
    await screenshot(page, run, "registry-zh-CN");
    return { navigation: auditLabel, heading, timeBefore, time, htmlLang, footer: footer.trim(), updated };
  } finally {
    await chooseLanguage(page, "English");
  }
}

async function graphqlError(page, run) {
  await openTeamPage(page, run, `models?q=${SEARCH_TEXT}`);
  await page.getByRole("link", { name: SEARCHED_MODEL }).click();
  await page.getByRole("heading", { level: 2, name: SEARCHED_MODEL }).waitFor();
  await chooseLanguage(page, "简体中文");
  try {
    await page.getByRole("tab", { name: "别名", exact: true }).click();
    const form = page.getByRole("form", { name: "移动别名" });
    await form.getByLabel("别名").fill(INVALID_ALIAS);
    await pickOption(page, form.getByLabel("版本"), "版本 1");
    await form.getByRole("button", { name: "移动别名" }).click();

    const alert = page.locator(".alias-panel .error-display .ant-alert").first();
    await alert.waitFor();
    const title = (await alert.locator(".ant-alert-title").innerText()).trim();
    const details = await texts(alert.locator(".ant-alert-description code"));
    const labels = await texts(alert.locator(".ant-alert-description .ant-typography-secondary"));
    await screenshot(page, run, "alias-error-zh-CN");

    check(title === "请求中有无效的值。", `the error title is ${JSON.stringify(title)}, not the Chinese BAD_USER_INPUT message`);
    check(details[0] === "alias", `the error names the field ${JSON.stringify(details[0])}, expected "alias"`);
    check(details[1]?.includes(INVALID_ALIAS), `the error shows the value ${JSON.stringify(details[1])}`);
    return { title, labels, field: details[0], value: details[1] };
  } finally {
    await chooseLanguage(page, "English");
  }
}

const VERSION_INSIDE = `query($model: ID!) {
  model(id: $model) {
    aliases { alias versionNumber version { id } }
    versions(first: 100) { nodes { id number status } }
  }
}`;
const INSPECTION = `query($id: ID!) {
  modelVersion(id: $id) { inspection { layers { name className outputShape parameters } edges { source target } } }
}`;

/** Reads the layer details panel as a map from each row's label to its text. */
async function layerDetails(page) {
  const panel = page.getByRole("complementary", { name: "Layer details" });
  const rows = {};
  for (const row of await panel.locator("tr").all()) {
    const label = (await row.locator("th").innerText()).trim();
    rows[label] = (await row.locator("td").innerText()).trim();
  }
  return rows;
}

async function structureDiagram(page, run) {
  await openTeamPage(page, run, `models?q=${SEARCH_TEXT}`);
  await page.getByRole("link", { name: SEARCHED_MODEL }).click();
  await page.getByRole("heading", { level: 2, name: SEARCHED_MODEL }).waitFor();
  const modelId = new URL(page.url()).pathname.split("/")[4];
  const { model } = await graphql(run, VERSION_INSIDE, { model: modelId });
  const production = model.aliases.find((alias) => alias.alias === PROTECTED_ALIAS);
  check(production !== undefined, `${SEARCHED_MODEL} has no ${PROTECTED_ALIAS} alias`);
  const { modelVersion } = await graphql(run, INSPECTION, { id: production.version.id });
  const layers = modelVersion.inspection.layers;

  await page.getByRole("tab", { name: "Versions", exact: true }).click();
  await page.getByRole("link", { name: `Open version ${production.versionNumber}`, exact: true }).click();
  const graph = page.getByRole("region", { name: "Layer graph" });
  const nodes = graph.locator(".react-flow__node");
  const shown = await waitFor(
    "the layer graph's nodes",
    async () => texts(nodes.locator(".layer-node-name")),
    (names) => names.length === layers.length,
  );
  check(
    sameItems(
      shown,
      layers.map((layer) => layer.name),
    ),
    `the graph shows the layers ${shown.join(", ")}, but the inspection has ${layers.map((layer) => layer.name).join(", ")}`,
  );
  const links = await graph.locator(".react-flow__edge").count();
  check(
    links === modelVersion.inspection.edges.length,
    `the graph draws ${links} links, the inspection has ${modelVersion.inspection.edges.length}`,
  );

  // Zooming in through the graph's own control scales the viewport.
  const viewport = graph.locator(".react-flow__viewport");
  const scale = () => viewport.evaluate((element) => new DOMMatrixReadOnly(getComputedStyle(element).transform).a);
  const before = await scale();
  await graph.getByRole("button", { name: "Zoom in" }).click();
  const after = await waitFor("the graph to zoom in", scale, (value) => value > before);

  // Selecting the layer with the most parameters shows its class, shape and parameter count.
  const chosen = layers.reduce((largest, layer) => (layer.parameters > largest.parameters ? layer : largest));
  await graph.getByRole("group", { name: `Layer ${chosen.name} (${chosen.className})` }).click();
  const details = await waitFor(
    "the chosen layer's details",
    () => layerDetails(page),
    (rows) => rows.Class === chosen.className,
  );
  const expectedShape = pythonShape(chosen.outputShape);
  check(
    details["Output shape"] === expectedShape,
    `the details show the shape ${details["Output shape"]}, expected ${expectedShape}`,
  );
  check(
    details.Parameters === chosen.parameters.toLocaleString("en-US"),
    `the details show ${details.Parameters} parameters, the inspection has ${chosen.parameters}`,
  );
  await screenshot(page, run, "structure-diagram");

  await page.getByRole("tab", { name: "Weights", exact: true }).click();
  const histogram = page.getByRole("img", { name: /^Histogram of the values of / }).first();
  await histogram.waitFor();
  await screenshot(page, run, "weight-distributions");
  return { version: production.versionNumber, layers: shown, links, zoom: [before, after], chosen: chosen.name, details };
}

const TRAINED_DATASET = "breast-cancer";
const TRAINING_PROFILE = "breast-cancer-wide";
const RUN_NAME = "browser-live-run";
const RUN_STATE = `query($id: ID!) {
  trainingRun(id: $id) {
    status failureReason epochsDone epochsPlanned modelId modelVersionId datasetVersionId features
    metrics(names: ["loss"]) { name points { value } }
  }
}`;
/** Maximum wait for the browser's training run, which starts a Ray worker and trains up to 25 epochs. */
const TRAINING_MS = 180_000;

/** Reads the number of points and the last value that the loss chart's caption reports. */
async function lossCurve(page) {
  const caption = await page
    .locator(".metric-chart", { has: page.getByRole("heading", { name: "loss", exact: true }) })
    .locator(".chart-caption")
    .innerText();
  const match = /^loss: (\d+) points?, last (\S+)/.exec(caption.trim());
  return match ? { points: Number(match[1]), last: match[2] } : { points: 0, last: null };
}

async function trainingLiveCurve(page, run) {
  await openTeamPage(page, run, "training/new");
  const form = page.getByRole("form", { name: "Start a training run" });
  await pickOption(page, form.getByLabel("Model", { exact: true }), new RegExp(`^${SEARCHED_MODEL}$`));
  await pickOption(page, form.getByLabel("Dataset", { exact: true }), new RegExp(`^${TRAINED_DATASET}$`));
  await pickOption(page, form.getByLabel("Dataset version", { exact: true }), /^Version 2 \(/);
  await pickOption(page, form.getByLabel("Configuration profile", { exact: true }), new RegExp(`^${TRAINING_PROFILE}$`));
  await form.getByLabel("Run name").fill(RUN_NAME);
  await screenshot(page, run, "training-start-form");
  await form.getByRole("button", { name: "Start run" }).click();

  await page.waitForURL(/\/training\/[0-9a-f-]{36}$/);
  const runId = new URL(page.url()).pathname.split("/").pop();
  await page.getByRole("heading", { level: 2, name: new RegExp(RUN_NAME) }).waitFor();
  await page.evaluate(() => {
    window.__liveMarker = true;
  });

  // Each epoch's metrics arrive through trainingRunUpdated; record every distinct point count the chart shows.
  const counts = [];
  const final = await waitFor(
    "the loss curve to grow to the last epoch",
    async () => {
      const curve = await lossCurve(page);
      if (counts.at(-1) !== curve.points) {
        counts.push(curve.points);
      }
      if (counts.length === 3) {
        await screenshot(page, run, "training-live-curve");
      }
      const status = (await page.locator(".model-heading .ant-tag").first().innerText()).trim();
      return { ...curve, status };
    },
    (state) => state.status === "Succeeded" || state.status === "Failed",
    TRAINING_MS,
  );
  const { trainingRun } = await graphql(run, RUN_STATE, { id: runId });
  check(trainingRun.status === "SUCCEEDED", `the run ended ${trainingRun.status}: ${trainingRun.failureReason}`);
  const marker = await page.evaluate(() => window.__liveMarker === true);
  check(marker, "the run page was reloaded while the run trained");
  const finalCount = await waitFor(
    "the last epoch's point",
    () => lossCurve(page),
    (curve) => curve.points === trainingRun.epochsDone,
  );
  if (counts.at(-1) !== finalCount.points) {
    counts.push(finalCount.points);
  }
  const growing = counts.filter((count) => count > 0 && count < trainingRun.epochsDone);
  check(growing.length > 0, `the chart never showed a partial curve, only ${counts.join(" → ")} points`);
  check(
    counts.every((count, index) => index === 0 || count > counts[index - 1]),
    `the point counts went ${counts.join(" → ")}, not upwards`,
  );
  const losses = trainingRun.metrics.find((series) => series.name === "loss").points;
  // The caption formats numbers as Intl.NumberFormat("en-US") does by default.
  const lastLoss = losses.at(-1).value.toLocaleString("en-US");
  check(finalCount.last === lastLoss, `the caption's last loss is ${finalCount.last}, the API's is ${lastLoss}`);
  await screenshot(page, run, "training-finished");
  run.trained = trainingRun;
  return { runId, counts, status: final.status, epochs: trainingRun.epochsDone, shownLast: finalCount.last, lastLoss };
}

const DEMO_DEPLOYMENT = "breast-cancer";
const DEPLOYMENT_IDS = `query($team: ID!) { deployments(teamId: $team, first: 100) { nodes { id name } } }`;
const CREATE_ALERT_RULE = `mutation($input: CreateAlertRuleInput!) { createAlertRule(input: $input) { id name } }`;
const DELETE_ALERT_RULE = `mutation($id: ID!) { deleteAlertRule(id: $id) { id } }`;
/** Maximum wait for the monitoring loop to evaluate a new rule; the test's server runs it every few seconds. */
const ALERT_MS = 60_000;

/** Reads the wall's open alerts as rule name, severity and state, as written (the badge's CSS shows it in capitals). */
async function wallAlerts(page) {
  const alerts = [];
  for (const item of await page.locator(".wall-alert-list > li").all()) {
    alerts.push({
      badge: (await item.locator(".wall-alert-badge").textContent()).trim(),
      rule: (await item.locator("strong").textContent()).trim(),
      subject: (await item.locator("span").nth(1).textContent()).trim(),
    });
  }
  return alerts;
}

async function monitoringWallAlert(page, run) {
  await openTeamPage(page, run, "monitoring");
  const tile = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: DEMO_DEPLOYMENT, exact: true }) });
  await tile.waitFor();
  const before = await wallAlerts(page);
  await page.evaluate(() => {
    window.__liveMarker = true;
  });

  // The demo sent its predictions minutes ago, so over a one-hour window the request rate is above 0 and the rule fires at once.
  const { deployments } = await graphql(run, DEPLOYMENT_IDS, { team: run.teamId });
  const deployment = deployments.nodes.find((node) => node.name === DEMO_DEPLOYMENT);
  check(deployment !== undefined, `the demo team has no deployment named ${DEMO_DEPLOYMENT}`);
  const name = `browser-test-traffic-${Date.now()}`;
  const { createAlertRule } = await graphql(run, CREATE_ALERT_RULE, {
    input: {
      teamId: run.teamId,
      name,
      signal: "requestsPerSecond",
      comparator: ">",
      threshold: 0,
      targetKind: "DEPLOYMENT",
      targetId: deployment.id,
      windowSeconds: 3600,
      forSeconds: 0,
      severity: "CRITICAL",
    },
  });
  try {
    const after = await waitFor(
      "the new alert on the wall",
      () => wallAlerts(page),
      (alerts) => alerts.some((alert) => alert.rule === name),
      ALERT_MS,
    );
    const alert = after.find((entry) => entry.rule === name);
    check(alert.badge === "Critical · Firing", `the alert's badge reads ${JSON.stringify(alert.badge)}`);
    check(alert.subject === DEMO_DEPLOYMENT, `the alert names ${JSON.stringify(alert.subject)}, not ${DEMO_DEPLOYMENT}`);
    const tileAlerts = await waitFor(
      "the tile to count the alert",
      async () => (await tile.locator(".wall-tile-alerts").innerText()).trim(),
      (text) => /critical/i.test(text),
    );
    const marker = await page.evaluate(() => window.__liveMarker === true);
    check(marker, "the wall was reloaded while waiting for the alert");
    await screenshot(page, run, "monitoring-wall-alert");
    return { before: before.length, alert, tileAlerts };
  } finally {
    await graphql(run, DELETE_ALERT_RULE, { id: createAlertRule.id });
  }
}

const DEPLOYMENT_NAME = "browser-deploy";
const PREVIEW_ROWS = `query($id: ID!, $columns: [String!]) { datasetVersion(id: $id) { preview(limit: 3, columns: $columns) { rows } } }`;
const VERSION_NUMBER = `query($id: ID!) { modelVersion(id: $id) { number } }`;
const STOP_DEPLOYMENT = `mutation($id: ID!) { stopDeployment(id: $id) { status } }`;
/** Maximum wait for Ray Serve to start the new deployment's replica. */
const DEPLOY_MS = 180_000;

/** Predicts rows through the REST endpoint with the admin's token, as a program would. */
async function restPredict(run, name, rows) {
  const response = await fetch(`${run.options.url}/v1/models/${name}:predict?team=${run.teamId}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${run.options.token}` },
    body: JSON.stringify({ instances: rows }),
  });
  const body = await response.json();
  check(response.ok, `the REST call failed with HTTP ${response.status}: ${JSON.stringify(body)}`);
  return body.predictions;
}

async function deployRequestConsole(page, run) {
  check(run.trained !== undefined, "no version to deploy because trainingLiveCurve failed");
  const { modelId, modelVersionId, datasetVersionId, features } = run.trained;
  const { modelVersion } = await graphql(run, VERSION_NUMBER, { id: modelVersionId });
  await openTeamPage(page, run, `models/${modelId}/versions/${modelVersionId}`);
  await page.getByRole("button", { name: "Deploy", exact: true }).click();

  const form = page.getByRole("form", { name: "Deploy a model" });
  await form.waitFor();
  // The select reads "Loading…" until the team's models arrive, then shows the preselected model's name.
  const model = await waitFor(
    "the preselected model's name",
    async () => (await form.locator(".ant-select-content").first().innerText()).trim(),
    (text) => text === SEARCHED_MODEL,
  );
  await form.getByLabel("Deployment name").fill(DEPLOYMENT_NAME);
  await screenshot(page, run, "deploy-form");
  await form.getByRole("button", { name: "Deploy", exact: true }).click();

  await page.waitForURL(/\/deployments\/[0-9a-f-]{36}$/);
  const deploymentId = new URL(page.url()).pathname.split("/").pop();
  try {
    await page.getByRole("heading", { level: 2, name: DEPLOYMENT_NAME }).waitFor();
    await page.evaluate(() => {
      window.__liveMarker = true;
    });
    await page
      .locator(".ant-tag", { hasText: /^Healthy$/ })
      .first()
      .waitFor({ timeout: DEPLOY_MS });
    const marker = await page.evaluate(() => window.__liveMarker === true);
    check(marker, "the deployment page was reloaded while the deployment started");
    await screenshot(page, run, "deployment-healthy");

    const { datasetVersion } = await graphql(run, PREVIEW_ROWS, { id: datasetVersionId, columns: features });
    const rows = datasetVersion.preview.rows;
    await page.getByRole("tab", { name: "Try a prediction", exact: true }).click();
    const consoleForm = page.getByRole("form", { name: "Prediction console" });
    await consoleForm.getByLabel("Payload", { exact: true }).fill(JSON.stringify(rows));
    await consoleForm.getByRole("button", { name: "Predict", exact: true }).click();

    const result = consoleForm.getByRole("region", { name: "Prediction" });
    const title = (await result.getByRole("heading", { level: 5 }).innerText()).trim();
    const shown = JSON.parse(await result.locator("pre").innerText());
    await screenshot(page, run, "console-prediction");
    const expectedTitle = `Version ${modelVersion.number} predicted ${rows.length} rows`;
    check(title === expectedTitle, `the console says ${JSON.stringify(title)}, expected ${JSON.stringify(expectedTitle)}`);
    const expected = await restPredict(run, DEPLOYMENT_NAME, rows);
    check(shown.length === expected.length, `the console shows ${shown.length} predictions for ${rows.length} rows`);
    shown.forEach((prediction, index) => {
      const difference = Math.abs(prediction[0] - expected[index][0]);
      check(difference < 1e-5, `row ${index}: the console shows ${prediction[0]}, the REST call returns ${expected[index][0]}`);
    });
    return { deploymentId, version: modelVersion.number, title, shown, expected };
  } finally {
    // The stopped deployment frees its Ray CPUs for the scenario's next training run.
    await graphql(run, STOP_DEPLOYMENT, { id: deploymentId });
  }
}

/** Writes a shape as Keras prints it: (None, 30), and (30,) for one dimension. */
function pythonShape(shape) {
  const sizes = shape.map((size) => (size === null ? "None" : String(size)));
  return sizes.length === 1 ? `(${sizes[0]},)` : `(${sizes.join(", ")})`;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
