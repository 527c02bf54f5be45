import { Alert, Button, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { CombinedError } from "urql";

import { problemsOf } from "../api/errors";
import type { ApiProblem } from "../api/errors";

interface ErrorDisplayProps {
  error: CombinedError;
  onRetry?: () => void;
  /** Replaces a problem's English detail (message, value) with text the page built in the active language. */
  translateDetail?: (problem: ApiProblem, index: number) => ApiProblem;
}

/**
 * Shows each problem of an error as a translated message chosen by its code, with the
 * server's English detail, field and value beneath it, or the page's translation of them.
 */
export function ErrorDisplay({ error, onRetry, translateDetail }: ErrorDisplayProps) {
  const { t } = useTranslation();
  const problems = problemsOf(error).map((problem, index) => (translateDetail ? translateDetail(problem, index) : problem));

  return (
    <div className="error-display">
      {problems.map((problem, index) => (
        <Alert
          key={index}
          type="error"
          showIcon
          title={t(`errors.codes.${problem.code}`)}
          description={<ProblemDetail problem={problem} />}
          action={
            onRetry && index === 0 ? (
              <Button size="small" onClick={onRetry}>
                {t("common.retry")}
              </Button>
            ) : undefined
          }
        />
      ))}
    </div>
  );
}

function ProblemDetail({ problem }: { problem: ApiProblem }) {
  const { t } = useTranslation();

  return (
    <div>
      <Typography.Paragraph className="error-detail">{problem.message}</Typography.Paragraph>
      {problem.field !== null && (
        <div>
          <Typography.Text type="secondary">{t("common.labelled", { label: t("errors.field") })}</Typography.Text>
          <Typography.Text code>{problem.field}</Typography.Text>
        </div>
      )}
      {problem.value !== null && (
        <div>
          <Typography.Text type="secondary">{t("common.labelled", { label: t("errors.value") })}</Typography.Text>
          <Typography.Text code>{problem.value}</Typography.Text>
        </div>
      )}
      {problem.correlationId !== null && (
        <div>
          <Typography.Text type="secondary">{t("common.labelled", { label: t("errors.correlationId") })}</Typography.Text>
          <Typography.Text code copyable>
            {problem.correlationId}
          </Typography.Text>
        </div>
      )}
    </div>
  );
}
