import type { AuditLogFilter } from "../gql/graphql";

/** The audit log's filters, as kept in the page's URL query; times are ISO 8601. */
export interface AuditSearch {
  actor: string;
  action: string;
  subject: string;
  since: string;
  until: string;
}

const KEYS: (keyof AuditSearch)[] = ["actor", "action", "subject", "since", "until"];

export function auditSearchFromParams(params: URLSearchParams): AuditSearch {
  return {
    actor: params.get("actor") ?? "",
    action: params.get("action") ?? "",
    subject: params.get("subject") ?? "",
    since: params.get("since") ?? "",
    until: params.get("until") ?? "",
  };
}

export function paramsFromAuditSearch(search: AuditSearch): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of KEYS) {
    const value = search[key].trim();
    if (value !== "") {
      params.set(key, value);
    }
  }
  return params;
}

export function auditFilterOf(teamId: string, search: AuditSearch): AuditLogFilter {
  const text = (value: string) => (value.trim() === "" ? null : value.trim());
  return {
    teamId,
    actor: text(search.actor),
    action: text(search.action),
    subjectId: text(search.subject),
    since: text(search.since),
    until: text(search.until),
  };
}

export const EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Builds the audit export URL with the table's filters; the browser sends the session cookie with it. */
export function exportUrl(teamId: string, search: AuditSearch, format: ExportFormat): string {
  const params = paramsFromAuditSearch(search);
  params.set("team", teamId);
  params.set("format", format);
  return `/v1/audit/export?${params.toString()}`;
}
