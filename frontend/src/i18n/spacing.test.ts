import { describe, expect, it } from "vitest";

import { spaceLatinTerms } from "./spacing";

describe("spaceLatinTerms", () => {
  it.each([
    ["宏平均F1 值", "宏平均 F1 值"],
    ["类别 0 的F1 值", "类别 0 的 F1 值"],
    ["打乱后宏平均 F1上升的幅度", "打乱后宏平均 F1 上升的幅度"],
    ["决定系数 R²的上升", "决定系数 R² 的上升"],
    ["ROC 曲线下面积", "ROC 曲线下面积"],
    ["120秒，100%", "120秒，100%"],
    ["Macro F1", "Macro F1"],
  ])("%s becomes %s", (text, spaced) => {
    expect(spaceLatinTerms(text)).toBe(spaced);
  });
});
