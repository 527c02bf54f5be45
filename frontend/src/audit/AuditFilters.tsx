import { DatePicker, Input, Select, Space } from "antd";
import dayjs from "dayjs";
import { useEffect, useId, useState } from "react";
import { useTranslation } from "react-i18next";

import { clearOption } from "../common/clearOption";
import { useDebounced } from "../common/useDebounced";
import type { Member } from "../teams/useTeamMembers";
import type { AuditSearch } from "./auditSearch";

const TYPING_DELAY_MS = 300;

interface AuditFiltersProps {
  search: AuditSearch;
  members: Member[];
  onChange: (search: AuditSearch) => void;
}

/** Renders the audit log's filters: actor (a member, or a user id from the URL), action, subject and a time range. */
export function AuditFilters({ search, members, onChange }: AuditFiltersProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [texts, setTexts] = useState({ action: search.action, subject: search.subject });
  const settled = useDebounced(texts, TYPING_DELAY_MS);

  useEffect(() => {
    if (settled.action !== search.action || settled.subject !== search.subject) {
      onChange({ ...search, ...settled });
    }
  }, [settled]);

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
          <Input
            id={`${ids}-action`}
            value={texts.action}
            onChange={(event) => setTexts({ ...texts, action: event.target.value })}
            placeholder="RegisteredModel.AliasMoved"
            allowClear
            style={{ width: 220 }}
          />
        </div>
        <div className="filter">
          <label htmlFor={`${ids}-subject`}>{t("audit.subject")}</label>
          <Input
            id={`${ids}-subject`}
            value={texts.subject}
            onChange={(event) => setTexts({ ...texts, subject: event.target.value })}
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
