import { cleanup, screen } from "@testing-library/react";
import { GraphQLError } from "graphql";
import i18next from "i18next";
import { afterEach, describe, expect, it } from "vitest";
import { CombinedError } from "urql";

import { ErrorDisplay } from "./ErrorDisplay";
import { renderWithoutStyles } from "../test/render";

function serverError(code: string, message: string, field: string | null, value: unknown): CombinedError {
  return new CombinedError({
    graphQLErrors: [new GraphQLError(message, { extensions: { code, field, value, correlationId: "c0ffee" } })],
  });
}

describe("ErrorDisplay", () => {
  afterEach(async () => {
    cleanup();
    await i18next.changeLanguage("en");
  });

  it("code chooses translated message", () => {
    renderWithoutStyles(<ErrorDisplay error={serverError("NOT_FOUND", "Model 42 was not found.", "id", "42")} />);

    expect(screen.getByText("It was not found, or you cannot see it.")).toBeInTheDocument();
  });

  it("detail, field and value shown", () => {
    renderWithoutStyles(<ErrorDisplay error={serverError("BAD_USER_INPUT", "first 0 is invalid.", "first", 0)} />);

    expect(screen.getByText("first 0 is invalid.")).toBeInTheDocument();
    expect(screen.getByText("first")).toBeInTheDocument();
    expect(screen.getByText("0")).toBeInTheDocument();
    expect(screen.getByText("c0ffee")).toBeInTheDocument();
  });

  it("translates into Chinese", async () => {
    await i18next.changeLanguage("zh-CN");

    renderWithoutStyles(<ErrorDisplay error={serverError("FORBIDDEN", "Only admins may.", "alias", "production")} />);

    expect(screen.getByText("您无权执行此操作。")).toBeInTheDocument();
    expect(screen.getByText("字段：", { exact: false })).toBeInTheDocument();
    expect(screen.getByText("Only admins may.")).toBeInTheDocument();
  });

  it("unknown code is general failure", () => {
    renderWithoutStyles(<ErrorDisplay error={serverError("TEAPOT", "I am a teapot.", null, null)} />);

    expect(screen.getByText("The request failed.")).toBeInTheDocument();
    expect(screen.queryByText("Field:", { exact: false })).not.toBeInTheDocument();
  });

  it("shows a network failure", () => {
    renderWithoutStyles(<ErrorDisplay error={new CombinedError({ networkError: new Error("Failed to fetch") })} />);

    expect(screen.getByText("The server could not be reached.")).toBeInTheDocument();
    expect(screen.getByText("Failed to fetch")).toBeInTheDocument();
  });

  it("every error of response shown", () => {
    const error = new CombinedError({
      graphQLErrors: [
        new GraphQLError("a", { extensions: { code: "CONFLICT" } }),
        new GraphQLError("b", { extensions: { code: "UNAUTHENTICATED" } }),
      ],
    });

    renderWithoutStyles(<ErrorDisplay error={error} />);

    expect(screen.getByText("It conflicts with something that already exists or was changed meanwhile.")).toBeInTheDocument();
    expect(screen.getByText("You are not signed in, or your session has ended.")).toBeInTheDocument();
  });

  it("is announced to screen readers", () => {
    renderWithoutStyles(<ErrorDisplay error={serverError("CONFLICT", "x", null, null)} />);

    expect(screen.getAllByRole("alert")).toHaveLength(1);
  });
});
