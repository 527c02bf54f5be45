import { describe, expect, it } from "vitest";

import { trafficText } from "../deployments/DeploymentStatusTag";
import { formattersFor } from "./format";
import { measuresFor } from "./measures";

// Chinese writes a number straight against a Chinese unit or %, as Intl's zh-CN patterns do; English keeps a
// space before a unit but none before %.
describe("measuresFor", () => {
  const english = measuresFor("en");
  const chinese = measuresFor("zh-CN");

  it("percent without space", () => {
    expect(english.percent(1)).toBe("100%");
    expect(english.percent(0.125)).toBe("12.5%");
    expect(chinese.percent(1)).toBe("100%");
    expect(chinese.percent(0.125)).toBe("12.5%");
  });

  it("milliseconds by language", () => {
    expect(english.milliseconds(327.9)).toBe("327.9 ms");
    expect(chinese.milliseconds(327.9)).toBe("327.9毫秒");
  });

  it("seconds by language", () => {
    expect(english.seconds(86400)).toBe("86,400 seconds");
    expect(english.seconds(1)).toBe("1 second");
    expect(chinese.seconds(86400)).toBe("86,400秒");
    expect(chinese.seconds(60)).toBe("60秒");
  });

  it("per second by language", () => {
    expect(english.perSecond(4.2)).toBe("4.2/s");
    expect(chinese.perSecond(4.2)).toBe("4.2/秒");
  });

  it("small values keep a significant digit", () => {
    expect(english.perSecond(0.001)).toBe("0.001/s");
    expect(chinese.perSecond(0.0166)).toBe("0.02/秒");
    expect(english.percent(0.0004)).toBe("0.04%");
    expect(chinese.milliseconds(0.04)).toBe("0.04毫秒");
    expect(english.decimal(0.0002)).toBe("0.0002");
    expect(english.decimal(0)).toBe("0");
  });

  it("missing value is a dash", () => {
    expect(chinese.seconds(null)).toBe("—");
    expect(chinese.percent(undefined)).toBe("—");
  });
});

describe("trafficText", () => {
  const split = [
    { version: 1, percent: 90 },
    { version: 2, percent: 10 },
  ];

  it("percent follows the number", () => {
    expect(trafficText(split, measuresFor("en").percent)).toBe("v1 90% · v2 10%");
    expect(trafficText(split, measuresFor("zh-CN").percent)).toBe("v1 90% · v2 10%");
  });
});

describe("formattersFor bytes", () => {
  it("keeps the space before Latin units", () => {
    expect(formattersFor("en").bytes(1_250_000)).toBe("1.3 MB");
    expect(formattersFor("zh-CN").bytes(1_250_000)).toBe("1.3 MB");
  });
});
