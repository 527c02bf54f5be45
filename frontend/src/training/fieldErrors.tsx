import { CombinedError } from "urql";
import type { GraphQLError } from "graphql";
import { useTranslation } from "react-i18next";

import { problemsOf } from "../api/errors";
import type { ApiProblem } from "../api/errors";

export interface FieldErrors<Field extends string> {
  /** The problems the server reported on each form field. */
  byField: Partial<Record<Field, ApiProblem[]>>;
  /** The errors that name no form field, to show above the form; null when there are none. */
  rest: CombinedError | null;
}

/**
 * Sorts a mutation's errors by form field, using the `extensions.field` the server sets. `fieldOf`
 * maps that path (such as `slices[2].feature`) to a field of the form, or returns null.
 */
export function splitFieldErrors<Field extends string>(
  error: CombinedError | undefined | null,
  fieldOf: (path: string) => Field | null,
): FieldErrors<Field> {
  const byField: Partial<Record<Field, ApiProblem[]>> = {};
  if (!error) {
    return { byField, rest: null };
  }
  if (error.graphQLErrors.length === 0) {
    return { byField, rest: error };
  }
  const unplaced: GraphQLError[] = [];
  const problems = problemsOf(error);
  error.graphQLErrors.forEach((graphQLError, index) => {
    const problem = problems[index];
    const field = problem?.field ? fieldOf(problem.field) : null;
    if (problem && field !== null) {
      byField[field] = [...(byField[field] ?? []), problem];
    } else {
      unplaced.push(graphQLError);
    }
  });
  return { byField, rest: unplaced.length > 0 ? new CombinedError({ graphQLErrors: unplaced }) : null };
}

/**
 * Shows a form field's server problems as its help text: the translated message of each code,
 * with the server's English detail beneath it.
 */
export function FieldProblems({ problems }: { problems: ApiProblem[] | undefined }) {
  const { t } = useTranslation();
  if (!problems || problems.length === 0) {
    return null;
  }
  return (
    <>
      {problems.map((problem, index) => (
        <div key={index} role="alert">
          <div>{t(`errors.codes.${problem.code}`)}</div>
          <div lang="en">{problem.message}</div>
        </div>
      ))}
    </>
  );
}
