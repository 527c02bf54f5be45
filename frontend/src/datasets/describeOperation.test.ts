import i18next from "i18next";
import { describe, expect, it } from "vitest";

import { formattersFor } from "../i18n/format";
import { describeOperation } from "./describeOperation";
import type { RecordedOperation } from "./describeOperation";

const SERVER_TEXT = "server description";

function recorded(parameters: Record<string, unknown>): RecordedOperation {
  return { op: String(parameters.op), description: SERVER_TEXT, parameters };
}

function describeIn(language: "en" | "zh-CN", parameters: Record<string, unknown>): string {
  return describeOperation(i18next.getFixedT(language), formattersFor(language).number, recorded(parameters));
}

const CASES: [string, Record<string, unknown>, string, string][] = [
  [
    "dropMissing on columns",
    { op: "dropMissing", columns: ["age", "bmi"] },
    "drop rows with a missing value in any of age, bmi",
    "删除 age、bmi 中任一列有缺失值的行",
  ],
  [
    "dropMissing on every column",
    { op: "dropMissing", columns: null },
    "drop rows with a missing value in any column",
    "删除任一列有缺失值的行",
  ],
  [
    "fillMissing with a statistic",
    { op: "fillMissing", columns: ["age"], strategy: "median", value: null },
    "fill missing values of age with the median",
    "用中位数填充 age 的缺失值",
  ],
  [
    "fillMissing with a constant",
    { op: "fillMissing", columns: ["city"], strategy: "constant", value: "unknown" },
    'fill missing values of city with "unknown"',
    '用值 "unknown" 填充 city 的缺失值',
  ],
  ["dropDuplicates", { op: "dropDuplicates", columns: [] }, "drop duplicate rows", "删除重复行"],
  ["dropDuplicates on columns", { op: "dropDuplicates", columns: ["id"] }, "drop duplicate rows over id", "按 id 删除重复行"],
  [
    "fillMissing on every column",
    { op: "fillMissing", columns: null, strategy: "mode", value: null },
    "fill missing values of all columns with the most frequent value",
    "用众数填充所有列的缺失值",
  ],
  ["dropColumns", { op: "dropColumns", columns: ["id"] }, "drop columns id", "删除列 id"],
  [
    "dropColumns over five",
    { op: "dropColumns", columns: ["a", "b", "c", "d", "e", "f", "g"] },
    "drop columns a, b, c, d, e and 2 more",
    "删除列 a、b、c、d、e，另有 2 项",
  ],
  [
    "renameColumns",
    { op: "renameColumns", mapping: { sex: "gender", bp: "blood_pressure" } },
    "rename sex to gender, bp to blood_pressure",
    "重命名 sex → gender、bp → blood_pressure",
  ],
  [
    "castColumns",
    { op: "castColumns", types: { age: "integer", visit: "datetime" } },
    "change the type of age to integer, visit to date and time",
    "更改列类型：age 改为整数、visit 改为日期时间",
  ],
  ["filter", { op: "filter", expression: "age >= 18" }, "keep rows where age >= 18", "保留满足 age >= 18 的行"],
  ["standardize", { op: "standardize", columns: ["bmi"] }, "standardize bmi", "标准化 bmi"],
  ["minMaxScale", { op: "minMaxScale", columns: ["bmi"] }, "min-max scale bmi", "最小-最大缩放 bmi"],
  ["oneHot", { op: "oneHot", columns: ["city"], maxCategories: 50 }, "one-hot encode city", "独热编码 city"],
  [
    "random split",
    { op: "split", strategy: "random", ratios: { train: 0.7, validation: 0.15, test: 0.15 }, seed: 42, by: null },
    "random split: train 0.7, validation 0.15, test 0.15 (seed 42)",
    "随机划分：训练集占 0.7、验证集占 0.15、测试集占 0.15（种子 42）",
  ],
  [
    "stratified split",
    { op: "split", strategy: "stratified", ratios: { train: 0.8, test: 0.2 }, seed: 7, by: "target" },
    "stratified split by target: train 0.8, test 0.2 (seed 7)",
    "按 target 分层划分：训练集占 0.8、测试集占 0.2（种子 7）",
  ],
  [
    "predict on a part",
    { op: "predict", columns: ["score"], split: "test", modelVersionNumber: 3, modelName: "diabetes" },
    "predict score for the test rows with version 3 of model “diabetes”",
    "用模型“diabetes”的版本 3 为测试集的行预测 score",
  ],
  [
    "predict on every row",
    { op: "predict", columns: ["score"], split: null, modelVersionNumber: 1, modelName: "diabetes" },
    "predict score for every row with version 1 of model “diabetes”",
    "用模型“diabetes”的版本 1 为所有行预测 score",
  ],
];

describe("describeOperation", () => {
  it.each(CASES)("%s in English", (_, parameters, english) => {
    expect(describeIn("en", parameters)).toBe(english);
  });

  it.each(CASES)("%s in Chinese", (_, parameters, _english, chinese) => {
    expect(describeIn("zh-CN", parameters)).toBe(chinese);
  });

  it("unknown kind keeps the server text", () => {
    expect(describeIn("zh-CN", { op: "sample", fraction: 0.1 })).toBe(SERVER_TEXT);
  });

  it("missing parameters keep the server text", () => {
    const operation = { op: "split", description: SERVER_TEXT };
    expect(describeOperation(i18next.getFixedT("zh-CN"), formattersFor("zh-CN").number, operation)).toBe(SERVER_TEXT);
  });
});
