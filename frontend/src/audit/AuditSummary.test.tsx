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
  summaryParameters: { dataset: "iris" },
};

const MEMBER_ADDED = {
  action: "Team.MemberAdded",
  subjectType: "Team",
  subjectName: null,
  summary: "Added user 'bob' to team 'demo' as editor",
  summaryParameters: { user: "bob", team: "demo", role: "editor" },
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

  it("Chinese writes the summary's facts", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(<AuditSummary entry={MEMBER_ADDED} />);

    expect(screen.getByText("将用户“bob”以编辑者身份添加到团队“demo”")).toBeInTheDocument();
    expect(screen.queryByText(/Added user/)).not.toBeInTheDocument();
  });

  it("Chinese names the subject of a one-fact entry", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(<AuditSummary entry={ARCHIVED} />);

    expect(screen.getByText("归档了数据集“iris”")).toBeInTheDocument();
  });

  it("Chinese without parameters names action and subject", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(<AuditSummary entry={{ ...MEMBER_ADDED, summaryParameters: {} }} />);

    expect(screen.getByText("添加了成员（团队）")).toBeInTheDocument();
    expect(screen.queryByText(/Added user/)).not.toBeInTheDocument();
  });

  it("unknown action keeps the server summary in English", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    renderWithoutStyles(
      <AuditSummary
        entry={{
          action: "Dataset.Renamed",
          subjectType: "Dataset",
          subjectName: "iris",
          summary: "Renamed dataset 'iris'",
          summaryParameters: { dataset: "iris" },
        }}
      />,
    );

    expect(screen.getByText("Renamed dataset 'iris'")).toHaveAttribute("lang", "en");
    expect(screen.queryByText(/归档了数据集/)).not.toBeInTheDocument();
  });
});
