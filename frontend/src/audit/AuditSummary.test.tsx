import { act, screen } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";

import { renderWithoutStyles } from "../test/render";
import { AuditSummary } from "./AuditSummary";

const ARCHIVED = { action: "Dataset.Archived", summary: "Archived dataset 'iris'" };

describe("audit summary", () => {
  afterEach(async () => {
    await act(() => i18next.changeLanguage("en"));
  });

  it("English shows the server summary", () => {
    renderWithoutStyles(<AuditSummary entry={ARCHIVED} />);

    expect(screen.getByText("Archived dataset 'iris'")).toBeInTheDocument();
    expect(screen.queryByText("Dataset archived")).not.toBeInTheDocument();
  });

  it("Chinese names the action above the detail", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(<AuditSummary entry={ARCHIVED} />);

    expect(screen.getByText("归档了数据集")).toBeInTheDocument();
    expect(screen.getByText("Archived dataset 'iris'")).toHaveAttribute("lang", "en");
  });

  it("unknown action keeps the server summary", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(<AuditSummary entry={{ action: "Dataset.Renamed", summary: "Renamed dataset 'iris'" }} />);

    expect(screen.getByText("Renamed dataset 'iris'")).toBeInTheDocument();
    expect(screen.queryByText("归档了数据集")).not.toBeInTheDocument();
  });
});
