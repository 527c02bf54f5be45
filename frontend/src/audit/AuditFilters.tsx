import { DatePicker, Input, Select, Space } from "antd";
import dayjs from "dayjs";
import type { TFunction } from "i18next";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { clearOption } from "../common/clearOption";
import { useDebounced } from "../common/useDebounced";
import { auditActionsEn } from "../i18n/auditActions.en";
import type { Member } from "../teams/useTeamMembers";
import type { AuditSearch } from "./auditSearch";

const TYPING_DELAY_MS = 300;

/** An audit action as a choice of the action filter: its code, such as `Deployment.Requested`, and translated name. */
export interface ActionOption {
  value: string;
  label: string;
}

/** Returns every audit action the catalogue names, in its order (grouped by aggregate), named in t's language. */
export function auditActionOptions(t: TFunction): ActionOption[] {
  const translate = t as unknown as (key: string) => string;
  return Object.entries(auditActionsEn).flatMap(([aggregate, events]) =>
    Object.keys(events).map((event) => ({
      value: `${aggregate}.${event}`,
      label: translate(`auditActions.${aggregate}.${event}`),
    })),
  );
}

/** Tells whether typed text finds an action: it matches part of the translated name or of the code, ignoring case. */
export function actionMatches(input: string, option: ActionOption | undefined): boolean {
  const typed = input.trim().toLocaleLowerCase();
  if (option === undefined) {
    return false;
  }
  return option.label.toLocaleLowerCase().includes(typed) || option.value.toLocaleLowerCase().includes(typed);
}

interface AuditFiltersProps {
  search: AuditSearch;
  members: Member[];
  onChange: (search: AuditSearch) => void;
}

/** Renders the audit log's filters: actor (a member, or a user id from the URL), action, subject and a time range. */
export function AuditFilters({ search, members, onChange }: AuditFiltersProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [subject, setSubject] = useState(search.subject);
  const settledSubject = useDebounced(subject, TYPING_DELAY_MS);

  useEffect(() => {
    if (settledSubject !== search.subject) {
      onChange({ ...search, subject: settledSubject });
    }
  }, [settledSubject]);

  // An action from the URL that this app does not name (from a newer server) stays choosable under its code.
  const actions = auditActionOptions(t);
  if (search.action !== "" && !actions.some((action) => action.value === search.action)) {
    actions.push({ value: search.action, label: search.action });
  }

  const actors = members.map((member) => ({ value: member.userId, label: member.user?.username ?? member.userId }));
  if (search.actor !== "" && !actors.some((actor) => actor.value === search.actor)) {
    actors.push({ value: search.actor, label: search.actor });
  }
  const range: [dayjs.Dayjs | null, dayjs.Dayjs | null] = [
    search.since ? dayjs(search.since) : null,
    search.until ? dayjs(search.until) : null,
  ];

  return (
    <form className="filters" role="search" aria-label={t("audit.filters")} onSubmit={(event) => event.preventDefault()}>
      <Space wrap align="end">
        <div className="filter">
          <label htmlFor={`${ids}-actor`}>{t("audit.actor")}</label>
          <Select<string>
            id={`${ids}-actor`}
            value={search.actor || undefined}
            onChange={(actor) => onChange({ ...search, actor: actor ?? "" })}
            allowClear={clearOption(t)}
            showSearch={{ optionFilterProp: "label" }}
            placeholder={t("audit.anyActor")}
            options={actors}
            style={{ width: 180 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-action`}>{t("audit.action")}</label>
          <Select<string, ActionOption>
            id={`${ids}-action`}
            value={search.action || undefined}
            onChange={(action) => onChange({ ...search, action: action ?? "" })}
            allowClear={clearOption(t)}
            showSearch={{ filterOption: actionMatches }}
            placeholder={t("audit.anyAction")}
            options={actions}
            style={{ width: 240 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-subject`}>{t("audit.subject")}</label>
          <Input
            id={`${ids}-subject`}
            value={subject}
            onChange={(event) => setSubject(event.target.value)}
            allowClear
            style={{ width: 300 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-range`}>{t("audit.range")}</label>
          <DatePicker.RangePicker
            id={`${ids}-range`}
            showTime
            allowEmpty={[true, true]}
            value={range}
            placeholder={[t("audit.since"), t("audit.until")]}
            onChange={(values) =>
              onChange({
                ...search,
                since: values?.[0] ? values[0].toISOString() : "",
                until: values?.[1] ? values[1].toISOString() : "",
              })
            }
          />
        </div>
      </Space>
    </form>
  );
}
