import { act, screen } from "@testing-library/react";
import { Form } from "antd";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";

import { EMPTY_SETTINGS, SettingsFields } from "../deployments/SettingsFields";
import { renderWithoutStyles } from "../test/render";
import { NumberInput } from "./NumberInput";

describe("NumberInput", () => {
  afterEach(async () => {
    await act(() => i18next.changeLanguage("en"));
  });

  it("names step buttons in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));

    renderWithoutStyles(<NumberInput<number> aria-label="数量" />);

    expect(screen.getByRole("button", { name: "增大数值" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "减小数值" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Increase Value|Decrease Value/ })).not.toBeInTheDocument();
  });

  it("batch wait unit in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));

    renderWithoutStyles(
      <Form>
        <SettingsFields idPrefix="new" values={EMPTY_SETTINGS} onChange={() => undefined} problems={{}} mode="create" />
      </Form>,
    );

    expect(screen.getByText("毫秒")).toBeInTheDocument();
    expect(screen.queryByText("ms")).not.toBeInTheDocument();
  });
});
