import { useEffect } from "react";
import { useTranslation } from "react-i18next";

/** Application name, the whole document title where no page sets one. */
const APP_NAME = "ModelCloud";

/** Sets the browser tab's title to "<page> · ModelCloud" while the calling component is mounted. */
export function useDocumentTitle(page: string) {
  const { t } = useTranslation();
  const title = t("layout.documentTitle", { page, app: APP_NAME });

  useEffect(() => {
    document.title = title;
    return () => {
      document.title = APP_NAME;
    };
  }, [title]);
}

/** Renders nothing and sets the document title, for pages that know their title only after loading. */
export function DocumentTitle({ page }: { page: string }) {
  useDocumentTitle(page);
  return null;
}
