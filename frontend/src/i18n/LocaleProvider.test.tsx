import { act, screen } from "@testing-library/react";
import { Button } from "antd";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";

import { renderWithoutStyles } from "../test/render";
import { LocaleProvider } from "./LocaleProvider";

describe("LocaleProvider", () => {
  afterEach(async () => {
    await act(() => i18next.changeLanguage("en"));
  });

  it("keeps two-character Chinese buttons unspaced", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));

    renderWithoutStyles(
      <LocaleProvider>
        <Button>取消</Button>
      </LocaleProvider>,
    );

    expect(screen.getByRole("button")).toHaveTextContent(/^取消$/);
  });
});
