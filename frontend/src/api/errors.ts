import type { CombinedError } from "urql";

/** The stable codes the server puts in `extensions.code`; anything else is shown as UNKNOWN. */
export const KNOWN_CODES = [
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "FORBIDDEN",
  "UNAUTHENTICATED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "SERVICE_UNAVAILABLE",
  "INSUFFICIENT_STORAGE",
  "INTERNAL_SERVER_ERROR",
] as const;

export type ErrorCode = (typeof KNOWN_CODES)[number] | "NETWORK" | "UNKNOWN";

/** One problem the server or the network reported, ready to show. */
export interface ApiProblem {
  code: ErrorCode;
  /** The server's English message. */
  message: string;
  field: string | null;
  value: string | null;
  correlationId: string | null;
}

function knownCode(value: unknown): ErrorCode {
  return KNOWN_CODES.find((code) => code === value) ?? "UNKNOWN";
}

function shownValue(value: unknown): string | null {
  if (value === null || value === undefined) {
    return null;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Splits a urql error into one problem per GraphQL error, or one NETWORK problem. */
export function problemsOf(error: CombinedError): ApiProblem[] {
  const problems = error.graphQLErrors.map((graphQLError) => {
    const extensions = graphQLError.extensions ?? {};
    return {
      code: knownCode(extensions.code),
      message: graphQLError.message,
      field: text(extensions.field),
      value: shownValue(extensions.value),
      correlationId: text(extensions.correlationId),
    };
  });
  if (problems.length > 0) {
    return problems;
  }
  return [
    { code: "NETWORK", message: error.networkError?.message ?? error.message, field: null, value: null, correlationId: null },
  ];
}

export function errorCodes(error: CombinedError): ErrorCode[] {
  return problemsOf(error).map((problem) => problem.code);
}
