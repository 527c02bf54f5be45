// Screenshots of the web app for docs/tour.md and docs/tour.zh-CN.md, taken in headless Chromium
// against a running server that `modelcloud demo` has filled:
//
//   MODELCLOUD_ADMIN_PASSWORD=… MODELCLOUD_TOKEN=mc_… node e2e/tour.mjs \
//     --url http://127.0.0.1:8000 --out ../docs/images/tour
//
// It writes one PNG per page and language, such as en/registry.png and zh-CN/registry.png. The
// browser's locale picks the language, as it does for a first visit. This is a documentation
// tool, not a test: each page waits for its main element and for the network to settle.

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

import { chromium } from "playwright-core";

const LANGUAGES = [
  { folder: "en", locale: "en-US" },
  { folder: "zh-CN", locale: "zh-CN" },
];
const WAIT_MS = 30_000;
const DEMO_IDS = `query {
  teams(first: 100) { nodes { id name } }
}`;
const TEAM_IDS = `query($team: ID!) {
  models(teamId: $team, first: 100) { nodes { id name aliases { alias version { id } } } }
  trainingRuns(teamId: $team, first: 100) { nodes { id name } }
  evaluations(teamId: $team, first: 100) { nodes { id modelVersionId slices } }
  datasets(teamId: $team, first: 100) { nodes { id name versions { nodes { id number } } } }
  configProfiles(teamId: $team, first: 100) { nodes { id name } }
  deployments(teamId: $team, first: 100) { nodes { id name } }
}`;

function readOptions() {
  const { values } = parseArgs({
    options: {
      url: { type: "string" },
      out: { type: "string" },
      chromium: { type: "string", default: "/usr/bin/chromium" },
    },
  });
  const password = process.env.MODELCLOUD_ADMIN_PASSWORD;
  const token = process.env.MODELCLOUD_TOKEN;
  if (!values.url || !values.out || !password || !token) {
    throw new Error(
      "missing --url, --out, MODELCLOUD_ADMIN_PASSWORD or MODELCLOUD_TOKEN; see the usage at the top of e2e/tour.mjs",
    );
  }
  return { ...values, url: values.url.replace(/\/$/, ""), password, token };
}

async function graphql(options, query, variables) {
  const response = await fetch(`${options.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${options.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (!response.ok || body.errors) {
    throw new Error(`GraphQL request failed with HTTP ${response.status}: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

/** Returns the demo team's pages to photograph: a file name, a path and the element that shows the page is ready. */
async function tourPages(options) {
  const { teams } = await graphql(options, DEMO_IDS);
  const team = teams.nodes.find((node) => node.name === "demo");
  if (!team) {
    throw new Error("the server has no team named demo: run `modelcloud demo` first");
  }

  const ids = await graphql(options, TEAM_IDS, { team: team.id });
  const model = ids.models.nodes.find((node) => node.name === "breast-cancer-classifier");
  const production = model.aliases.find((alias) => alias.alias === "production").version.id;
  const run = ids.trainingRuns.nodes.find((node) => node.name === "breast-cancer-wide");
  const evaluation = ids.evaluations.nodes.find((node) => node.modelVersionId === production && node.slices.length > 0);
  const dataset = ids.datasets.nodes.find((node) => node.name === "breast-cancer");
  const cleaned = dataset.versions.nodes.reduce((newest, version) => (version.number > newest.number ? version : newest));
  const profile = ids.configProfiles.nodes.find((node) => node.name === "breast-cancer-wide");
  const deployment = ids.deployments.nodes.find((node) => node.name === "breast-cancer");

  const base = `/teams/${team.id}`;
  const modelPath = `${base}/models/${model.id}`;
  return [
    { name: "registry", path: `${base}/models`, ready: ".model-list-body .model-name a" },
    { name: "model", path: modelPath, ready: "h2" },
    { name: "model-history", path: `${modelPath}?tab=history`, ready: "[role=tabpanel] .ant-table-row" },
    { name: "structure", path: `${modelPath}/versions/${production}`, ready: ".react-flow__node" },
    { name: "weights", path: `${modelPath}/versions/${production}?tab=weights`, ready: ".tensor-distribution svg" },
    { name: "training-run", path: `${base}/training/${run.id}`, ready: ".metric-chart svg" },
    { name: "training-start", path: `${base}/training/new`, ready: "form" },
    { name: "evaluation", path: `${base}/evaluations/${evaluation.id}`, ready: "svg" },
    { name: "dataset-profile", path: `${base}/datasets/${dataset.id}/versions/${cleaned.id}`, ready: "svg" },
    { name: "config-profile", path: `${base}/configs/${profile.id}`, ready: "form" },
    { name: "deployment", path: `${base}/deployments/${deployment.id}?tab=health`, ready: "svg" },
    { name: "deployment-console", path: `${base}/deployments/${deployment.id}?tab=console`, ready: "textarea" },
    { name: "monitoring-wall", path: `${base}/monitoring`, ready: ".wall-tile" },
    { name: "audit", path: `${base}/audit`, ready: ".ant-table-row" },
  ];
}

async function signIn(page, options) {
  await page.goto("/");
  await page.locator("input#username, input[autocomplete=username]").first().fill("admin");
  await page.locator("input[type=password]").fill(options.password);
  await page.locator("button[type=submit]").click();
  await page.waitForURL(/\/teams\//);
}

async function main() {
  const options = readOptions();
  const pages = await tourPages(options);
  const browser = await chromium.launch({
    executablePath: options.chromium,
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
  try {
    for (const language of LANGUAGES) {
      const folder = path.join(options.out, language.folder);
      await mkdir(folder, { recursive: true });
      const context = await browser.newContext({
        baseURL: options.url,
        locale: language.locale,
        timezoneId: "UTC",
        viewport: { width: 1440, height: 900 },
      });
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      await signIn(page, options);
      for (const shot of pages) {
        await page.goto(shot.path);
        await page.locator(shot.ready).first().waitFor();
        await page.waitForLoadState("networkidle");
        const file = path.join(folder, `${shot.name}.png`);
        await page.screenshot({ path: file });
        console.log(`wrote ${file}`);
      }
      await context.close();
    }
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
