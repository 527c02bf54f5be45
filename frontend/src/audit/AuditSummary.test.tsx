import { act, screen } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";

import { renderWithoutStyles } from "../test/render";
import { AuditSummary } from "./AuditSummary";

const ARCHIVED = {
  action: "Dataset.Archived",
  subjectType: "Dataset",
  subjectName: "iris",
  summary: "Archived dataset 'iris'",
};

describe("audit summary", () => {
  afterEach(async () => {
    await act(() => i18next.changeLanguage("en"));
  });

  it("English shows the server summary", () => {
    renderWithoutStyles(<AuditSummary entry={ARCHIVED} />);

    expect(screen.getByText("Archived dataset 'iris'")).toBeInTheDocument();
    expect(screen.queryByText(/Dataset archived/)).not.toBeInTheDocument();
  });

  it("Chinese names action, subject type and name", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(<AuditSummary entry={ARCHIVED} />);

    expect(screen.getByText("归档了数据集（数据集“iris”）")).toBeInTheDocument();
    expect(screen.queryByText(/Archived dataset/)).not.toBeInTheDocument();
  });

  it("Chinese names the subject type of an entry without a name", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(
      <AuditSummary
        entry={{
          action: "Team.MemberAdded",
          subjectType: "Team",
          subjectName: null,
          summary: "Added bob to team 'demo' as editor",
        }}
      />,
    );

    expect(screen.getByText("添加了成员（团队）")).toBeInTheDocument();
    expect(screen.queryByText(/Added bob/)).not.toBeInTheDocument();
  });

  it("unknown action keeps the server summary in English", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(
      <AuditSummary
        entry={{ action: "Dataset.Renamed", subjectType: "Dataset", subjectName: "iris", summary: "Renamed dataset 'iris'" }}
      />,
    );

    expect(screen.getByText("Renamed dataset 'iris'")).toHaveAttribute("lang", "en");
    expect(screen.queryByText(/归档了数据集/)).not.toBeInTheDocument();
  });
});
