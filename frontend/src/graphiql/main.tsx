// GraphiQL, the in-browser GraphQL IDE that the server returns for a browser's GET /graphql.
// It is bundled with the web app, editor workers and fonts included, so it also works on a network
// without internet access.
import "graphiql/setup-workers/vite";
import "graphiql/style.css";
import "./graphiql.css";

import { createGraphiQLFetcher } from "@graphiql/toolkit";
import type { Fetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { parse } from "graphql";
import type { DocumentNode } from "graphql";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { CSRF_HEADER, graphqlWebSocketUrl } from "../api/client";

const VIEWER_CSRF = "{ viewer { csrfToken } }";

/** Returns the CSRF token of the browser's signed-in session, or null without a session, when requests need an Authorization header. */
async function sessionCsrfToken(): Promise<string | null> {
  try {
    const response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: VIEWER_CSRF }),
    });
    const body = (await response.json()) as { data?: { viewer?: { csrfToken?: string | null } | null } | null };
    return body.data?.viewer?.csrfToken ?? null;
  } catch {
    return null;
  }
}

function parsedOrNull(query: string): DocumentNode | null {
  try {
    return parse(query);
  } catch {
    return null;
  }
}

async function start(): Promise<void> {
  const container = document.getElementById("graphiql");
  if (container === null) {
    throw new Error("graphiql.html has no element with id 'graphiql'.");
  }
  const csrfToken = await sessionCsrfToken();
  // Mutations sent with the session cookie need the session's CSRF token, so it goes with every request.
  const send = createGraphiQLFetcher({
    url: "/graphql",
    subscriptionUrl: graphqlWebSocketUrl(window.location),
    headers: csrfToken ? { [CSRF_HEADER]: csrfToken } : {},
  });
  // The fetcher sends a subscription over the WebSocket only when the document it is given says so.
  // GraphiQL parses its editor 100 ms after the last edit (@graphiql/react 0.39), so a run started sooner
  // would send a new subscription over HTTP, which the server rejects. The sent text is parsed instead.
  const fetcher: Fetcher = (params, options) =>
    send(params, { ...options, documentAST: parsedOrNull(params.query) ?? options?.documentAST });
  createRoot(container).render(
    <StrictMode>
      <GraphiQL fetcher={fetcher} />
    </StrictMode>,
  );
}

void start();
