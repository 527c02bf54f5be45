import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { formattersFor } from "../i18n/format";
import { renderWithoutStyles } from "../test/render";
import { TimeTravel } from "./TimeTravel";

describe("TimeTravel", () => {
  it("slider names the moment shown", () => {
    const asOf = "2026-03-01T12:00:00.000Z";
    renderWithoutStyles(<TimeTravel createdAt="2026-01-01T00:00:00Z" asOf={asOf} onChange={() => undefined} />);

    const slider = screen.getByRole("slider", { name: "Moment to show" });
    expect(slider).toHaveAttribute("aria-valuetext", formattersFor("en").dateTime(asOf));
  });
});
