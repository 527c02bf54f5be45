// Browser tests of the web app: headless Chromium, driven by playwright-core, against a running
// ModelCloud server seeded by `modelcloud demo`.
//
//   MODELCLOUD_ADMIN_PASSWORD=… MODELCLOUD_TOKEN=mc_… node e2e/run.mjs \
//     --url http://127.0.0.1:8000 --results results.json --screenshots screenshots/
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
const SEARCH_TEXT = "cancer";
const SEARCHED_MODEL = "breast-cancer-classifier";
const PROTECTED_ALIAS = "production";
const INVALID_ALIAS = "Bad Alias";
/** Maximum wait for one visible change (a page load, a search, a live entry), so it only catches hangs. */
const WAIT_MS = 20_000;
// Dates as `Intl.DateTimeFormat` writes them with dateStyle and timeStyle "medium" (ICU in Chromium 156).
const EN_DATE_TIME = /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2}\s[AP]M$/;
const ZH_DATE_TIME = /^\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}:\d{2}$/;

/** Flows in the order they run. Each receives a new page and the shared run state, and returns the values it checked. */
const FLOWS = {
  teamSwitcher,
  registrySearch,
  modelPage,
  auditLive,
  language,
  graphqlError,
  // TODO: structureDiagram: the model's layer graph drawn by @xyflow/react and elkjs.
  // TODO: trainingLiveCurve: a training run's loss curve that grows from trainingRunUpdated.
  // TODO: deployRequestConsole: deploy a version, then send a request from the request console.
  // TODO: monitoringWallAlert: the monitoring wall shows an alert that fires on the demo deployment.
};

function readOptions() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      results: { type: "string" },
      screenshots: { type: "string" },
      chromium: { type: "string", default: "/usr/bin/chromium" },
    },
  });
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
    for (const [name, flow] of Object.entries(FLOWS)) {
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

/** Opens an Ant Design select and clicks the first option in its dropdown whose text contains `label`. */
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
  const switcher = page.getByRole("combobox", { name: "Team" });
  await page.waitForURL(/\/teams\/[^/]+\/models/);
  const before = new URL(page.url()).pathname;

  await switcher.click();
  const options = page.locator(".ant-select-dropdown:visible .ant-select-item-option");
  const teams = await waitFor(
    "the team list",
    () => texts(options),
    (names) => names.includes(DEMO_TEAM),
  );
  await screenshot(page, run, "team-switcher-open");
  await options.filter({ hasText: new RegExp(`^${DEMO_TEAM}$`) }).click();

  await page.waitForURL(/\/teams\/[^/]+\/models/);
  const shown = await waitFor(
    "the switcher to show the demo team",
    () => page.locator(".team-switcher .ant-select-content").innerText(),
    (text) => text.trim() === DEMO_TEAM,
  );
  const after = new URL(page.url()).pathname;
  check(after !== before, `the address stayed ${before} after choosing ${DEMO_TEAM}`);
  run.teamId = after.split("/")[2];
  await screenshot(page, run, "team-demo");
  return { teams, shown: shown.trim(), before, after, teamId: run.teamId };
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

async function auditLive(page, run) {
  await openTeamPage(page, run, "audit");
  await page.getByText("Live", { exact: true }).waitFor();
  const before = await waitFor(
    "the audit entries",
    () => auditRows(page),
    (rows) => rows.length > 0,
  );
  const newest = Math.max(...before.map((row) => row.position));
  // A reload would clear this marker, so finding it afterwards shows the entry arrived live.
  await page.evaluate(() => {
    window.__liveMarker = true;
  });

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
  check(arrived[0].position === entry.position, `the new entry ${entry.position} is not on top (${arrived[0].position} is)`);
  await screenshot(page, run, "audit-live-entry");
  return { entriesBefore: before.length, newestBefore: newest, token: created.createApiToken.token.name, entry };
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

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
