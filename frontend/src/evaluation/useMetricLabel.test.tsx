import { act, renderHook } from "@testing-library/react";
import i18next from "i18next";
import { describe, expect, it } from "vitest";

import { useMetricLabel } from "./useMetricLabel";

describe("useMetricLabel", () => {
  it("spaces Latin terms in Chinese", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));
    try {
      const { result } = renderHook(() => useMetricLabel());

      expect(result.current("macro.f1")).toBe("宏平均 F1 值");
      expect(result.current("perClass.0.f1")).toBe("类别 0 的 F1 值");
      expect(result.current("perClass.猫A.recall")).toBe("类别 猫A 的召回率");
    } finally {
      await act(() => i18next.changeLanguage("en"));
    }
  });

  it("keeps English labels", () => {
    const { result } = renderHook(() => useMetricLabel());

    expect(result.current("macro.f1")).toBe("Macro F1");
    expect(result.current("perClass.0.f1")).toBe("F1 of class 0");
  });
});
