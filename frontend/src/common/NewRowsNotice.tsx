import { Alert, Button } from "antd";
import { useTranslation } from "react-i18next";

import type { NewSubjects } from "./useNewSubjects";
import "./newRows.css";

interface NewRowsNoticeProps {
  newRows: NewSubjects;
  /** Reads the list again from its first page. */
  onReload: () => void;
}

/**
 * Announces to screen readers how many rows were put into the list live, and shows a reload
 * notice for the new subjects that could not be put in and the changed ones that could not be read.
 */
export function NewRowsNotice({ newRows, onReload }: NewRowsNoticeProps) {
  const { t } = useTranslation();

  return (
    <>
      <div role="status" aria-live="polite" className="visually-hidden">
        {newRows.addedCount > 0 ? t("common.newRows.added", { count: newRows.addedCount }) : ""}
      </div>
      {(newRows.notShownCount > 0 || newRows.unreadChangeCount > 0) && (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          title={
            <>
              {newRows.notShownCount > 0 && <div>{t("common.newRows.notShown", { count: newRows.notShownCount })}</div>}
              {newRows.unreadChangeCount > 0 && (
                <div>{t("common.newRows.unreadChange", { count: newRows.unreadChangeCount })}</div>
              )}
            </>
          }
          action={
            <Button
              onClick={() => {
                newRows.reset();
                onReload();
              }}
            >
              {t("common.newRows.reload")}
            </Button>
          }
        />
      )}
    </>
  );
}
