import { act, renderHook } from "@testing-library/react";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";

import { useDuration } from "./useDuration";

function written(seconds: Array<number | null>): string[] {
  const { result } = renderHook(() => useDuration());
  return seconds.map((value) => result.current(value));
}

describe("useDuration", () => {
  afterEach(async () => {
    await act(() => i18next.changeLanguage("en"));
  });

  it("sub-second durations in milliseconds", () => {
    expect(written([0.42, 0.0004, 0, 0.9994])).toEqual(["420 ms", "0 ms", "0 ms", "999 ms"]);
  });

  it("short durations to a tenth of a second", () => {
    expect(written([0.9996, 4.24, 9.94, 9.96])).toEqual(["1 s", "4.2 s", "9.9 s", "10 s"]);
  });

  it("long durations in whole units", () => {
    expect(written([42.4, 125, 3720, null])).toEqual(["42 s", "2 min 5 s", "1 h 2 min", "—"]);
  });

  it("Chinese durations", async () => {
    await act(() => i18next.changeLanguage("zh-CN"));

    expect(written([0.42, 4.24, 125])).toEqual(["420毫秒", "4.2秒", "2分5秒"]);
    expect(written([86400, 3720])).toEqual(["24小时0分", "1小时2分"]);
  });
});
