import { Button, Result } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

import { useDocumentTitle } from "../common/DocumentTitle";

export function NotFoundPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  useDocumentTitle(t("notFound.title"));

  return (
    <Result
      status="404"
      title={t("notFound.title")}
      subTitle={t("notFound.description")}
      extra={
        <Button type="primary" onClick={() => void navigate("/")}>
          {t("notFound.home")}
        </Button>
      }
    />
  );
}
