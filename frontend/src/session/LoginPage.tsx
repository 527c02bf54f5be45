import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CombinedError } from "urql";

import { useDocumentTitle } from "../common/DocumentTitle";
import { ErrorDisplay } from "../common/ErrorDisplay";
import { LanguageSwitch } from "../layout/LanguageSwitch";
import { useSession } from "./SessionContext";
import type { SignedOutNotice } from "./SessionContext";

interface Credentials {
  username: string;
  password: string;
}

/** Returns whether the server rejected the credentials themselves, as opposed to failing in another way. */
function rejectedSignIn(error: CombinedError): boolean {
  return error.graphQLErrors.some((graphQLError) => graphQLError.extensions?.code === "UNAUTHENTICATED");
}

export function LoginPage({ notice }: { notice: SignedOutNotice }) {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [error, setError] = useState<CombinedError | null>(null);
  const [pending, setPending] = useState(false);
  useDocumentTitle(t("login.submit"));

  const submit = async ({ username, password }: Credentials) => {
    setPending(true);
    setError(null);
    const failure = await signIn(username, password);
    setPending(false);
    setError(failure);
  };

  return (
    <main className="login-page">
      <Card className="login-card">
        <div className="login-language">
          <LanguageSwitch />
        </div>
        <Typography.Title level={1} className="login-title">
          {t("login.title")}
        </Typography.Title>
        {notice !== null && <Alert type="info" showIcon title={t(`login.${notice}`)} className="login-notice" />}
        <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={t("login.username")}
            name="username"
            rules={[{ required: true, message: t("login.usernameRequired") }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={t("login.password")}
            name="password"
            rules={[{ required: true, message: t("login.passwordRequired") }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && rejectedSignIn(error) ? (
            <Alert type="error" showIcon title={t("login.rejected")} className="login-notice" role="alert" />
          ) : (
            error && <ErrorDisplay error={error} />
          )}
          <Button type="primary" htmlType="submit" loading={pending} block>
            {t("login.submit")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
