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
 * notice for the new subjects that could not be put in.
 */
export function NewRowsNotice({ newRows, onReload }: NewRowsNoticeProps) {
  const { t } = useTranslation();

  return (
    <>
      <div role="status" aria-live="polite" className="visually-hidden">
        {newRows.addedCount > 0 ? t("common.newRows.added", { count: newRows.addedCount }) : ""}
      </div>
      {newRows.notShownCount > 0 && (
        <Alert
          type="info"
          showIcon
          className="page-notice"
          title={t("common.newRows.notShown", { count: newRows.notShownCount })}
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
