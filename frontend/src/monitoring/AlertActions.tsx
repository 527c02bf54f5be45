import { Button, DatePicker, Input, Modal, Space } from "antd";
import dayjs from "dayjs";
import type { Dayjs } from "dayjs";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMutation } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import type { AlertFieldsFragment } from "../gql/graphql";
import { AcknowledgeAlertMutation, SilenceAlertMutation, UnsilenceAlertMutation } from "./documents";

/** Silence lengths offered as one-click choices, in hours. */
export const SILENCE_PRESETS = [1, 4, 24] as const;

type Dialog = "acknowledge" | "silence" | null;

interface AlertActionsProps {
  alert: AlertFieldsFragment;
  /** Receives the alert as the server returns it after a change. */
  onChanged: (alert: AlertFieldsFragment) => void;
}

/** Acknowledge with a note, silence until a time with a reason, and lift a silence. */
export function AlertActions({ alert, onChanged }: AlertActionsProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [note, setNote] = useState("");
  const [until, setUntil] = useState<Dayjs | null>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<CombinedError | null>(null);
  const [acknowledging, acknowledge] = useMutation(AcknowledgeAlertMutation);
  const [silencing, silence] = useMutation(SilenceAlertMutation);
  const [unsilencing, unsilence] = useMutation(UnsilenceAlertMutation);
  const open = alert.state === "FIRING" || alert.state === "PENDING";
  const silenced =
    alert.silencedUntil !== null && alert.silencedUntil !== undefined && Date.parse(alert.silencedUntil) > Date.now();

  const finish = (result: { error?: CombinedError; data?: Record<string, AlertFieldsFragment> | null }) => {
    setError(result.error ?? null);
    const changed = result.data ? Object.values(result.data)[0] : undefined;
    if (changed) {
      onChanged(changed);
      setDialog(null);
    }
  };

  const name = alert.ruleName ?? alert.ruleId;

  return (
    <>
      <Space wrap>
        {open && !alert.acknowledgedAt && (
          <Button size="small" onClick={() => setDialog("acknowledge")}>
            {t("alerts.acknowledge")}
          </Button>
        )}
        {silenced ? (
          <Button size="small" loading={unsilencing.fetching} onClick={async () => finish(await unsilence({ id: alert.id }))}>
            {t("alerts.unsilence")}
          </Button>
        ) : (
          <Button size="small" onClick={() => setDialog("silence")}>
            {t("alerts.silence")}
          </Button>
        )}
      </Space>
      {error && dialog === null && <ErrorDisplay error={error} />}
      <Modal
        open={dialog === "acknowledge"}
        title={t("alerts.acknowledgeTitle", { name })}
        okText={t("alerts.acknowledge")}
        cancelText={t("common.cancel")}
        confirmLoading={acknowledging.fetching}
        onOk={async () => finish(await acknowledge({ id: alert.id, note: note.trim() === "" ? null : note.trim() }))}
        onCancel={() => setDialog(null)}
      >
        <label htmlFor={`${ids}-note`}>{t("alerts.note")}</label>
        <Input.TextArea id={`${ids}-note`} rows={3} value={note} onChange={(event) => setNote(event.target.value)} />
        {error && <ErrorDisplay error={error} />}
      </Modal>
      <Modal
        open={dialog === "silence"}
        title={t("alerts.silenceTitle", { name })}
        okText={t("alerts.silence")}
        cancelText={t("common.cancel")}
        okButtonProps={{ disabled: until === null }}
        confirmLoading={silencing.fetching}
        onOk={async () => {
          if (until) {
            finish(
              await silence({ id: alert.id, until: until.toISOString(), reason: reason.trim() === "" ? null : reason.trim() }),
            );
          }
        }}
        onCancel={() => setDialog(null)}
      >
        <Space orientation="vertical" style={{ width: "100%" }}>
          <div className="filter">
            <label htmlFor={`${ids}-until`}>{t("alerts.until")}</label>
            <DatePicker
              id={`${ids}-until`}
              showTime
              value={until}
              onChange={(value) => setUntil(value)}
              disabledDate={(day) => day.isBefore(dayjs(), "day")}
            />
          </div>
          <Space wrap>
            {SILENCE_PRESETS.map((hours) => (
              <Button key={hours} size="small" onClick={() => setUntil(dayjs().add(hours, "hour"))}>
                {t("alerts.forHours", { count: hours })}
              </Button>
            ))}
          </Space>
          <div className="filter">
            <label htmlFor={`${ids}-reason`}>{t("alerts.reason")}</label>
            <Input id={`${ids}-reason`} value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
          {error && <ErrorDisplay error={error} />}
        </Space>
      </Modal>
    </>
  );
}
