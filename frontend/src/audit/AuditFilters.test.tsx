import { act, fireEvent, screen } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { renderWithoutStyles } from "../test/render";
import { AuditFilters } from "./AuditFilters";
import type { AuditSearch } from "./auditSearch";

const EMPTY: AuditSearch = { actor: "", action: "", subject: "", since: "", until: "" };

function renderFilters(search: AuditSearch = EMPTY) {
  const onChange = vi.fn<(search: AuditSearch) => void>();
  renderWithoutStyles(<AuditFilters search={search} members={[]} onChange={onChange} />);
  return onChange;
}

describe("audit action filter in Chinese", () => {
  beforeEach(async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
  });

  afterEach(async () => {
    await act(() => i18next.changeLanguage("en"));
  });

  it("has a Chinese placeholder", () => {
    renderFilters();
    expect(screen.getByText("任何操作")).toBeInTheDocument();
    expect(screen.queryByText(/RegisteredModel/)).not.toBeInTheDocument();
  });

  it("finds actions by translated name", async () => {
    renderFilters();
    const input = screen.getByLabelText("操作");
    fireEvent.mouseDown(input);
    fireEvent.change(input, { target: { value: "回滚" } });

    expect(await screen.findByTitle("回滚了部署")).toBeInTheDocument();
    expect(screen.queryByTitle("停止了部署")).not.toBeInTheDocument();
  });

  it("finds actions by code prefix and sends the chosen code", async () => {
    const onChange = renderFilters();
    const input = screen.getByLabelText("操作");
    fireEvent.mouseDown(input);
    fireEvent.change(input, { target: { value: "Deployment." } });

    fireEvent.click(await screen.findByTitle("停止了部署"));
    expect(onChange).toHaveBeenCalledWith({ ...EMPTY, action: "Deployment.Stopped" });
  });
});

describe("audit action filter", () => {
  it("keeps an action from the URL that it does not name", () => {
    renderFilters({ ...EMPTY, action: "Future.Happened" });
    expect(screen.getByTitle("Future.Happened")).toBeInTheDocument();
  });

  it("shows the chosen action by its name", () => {
    renderFilters({ ...EMPTY, action: "Deployment.Stopped" });
    expect(screen.getByTitle("Deployment stopped")).toBeInTheDocument();
  });
});
