import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { ConnectionContext } from "../api/ConnectionContext";
import { renderWithoutStyles } from "../test/render";
import { ConnectionNotice } from "./ConnectionNotice";
import { PageErrorBoundary } from "./PageErrorBoundary";

const LOST =
  "The live connection to the server is lost, so pages do not update. It reconnects on its own, and lists are read again then.";

function Broken(): never {
  throw new Error("Failed to fetch dynamically imported module: /assets/TrainingRunsPage.js");
}

describe("connection", () => {
  it("lost connection shows notice", () => {
    renderWithoutStyles(
      <ConnectionContext.Provider value={{ online: false, reconnections: 0 }}>
        <ConnectionNotice />
      </ConnectionContext.Provider>,
    );

    expect(screen.getByRole("status")).toHaveTextContent(LOST);
  });

  it("open connection shows nothing", () => {
    renderWithoutStyles(
      <ConnectionContext.Provider value={{ online: true, reconnections: 2 }}>
        <ConnectionNotice />
      </ConnectionContext.Provider>,
    );

    expect(screen.queryByText(LOST)).not.toBeInTheDocument();
  });

  it("failed page offers reload", () => {
    renderWithoutStyles(
      <PageErrorBoundary resetKey="/teams/team-1/training">
        <Broken />
      </PageErrorBoundary>,
    );

    expect(screen.getByText("This page could not be shown.")).toBeInTheDocument();
    expect(screen.getByText(/TrainingRunsPage/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Reload the page" })).toBeInTheDocument();
  });
});
