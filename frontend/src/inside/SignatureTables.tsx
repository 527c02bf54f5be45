import { Empty, Table, Typography } from "antd";
import { useTranslation } from "react-i18next";

import type { TensorSpecFieldsFragment } from "../gql/graphql";
import { formatShape } from "./shapes";

interface Signature {
  inputs: TensorSpecFieldsFragment[];
  outputs: TensorSpecFieldsFragment[];
}

/** Shows the serving signature's input and output tensors: name, shape and dtype. */
export function SignatureTables({ signature }: { signature: Signature | null }) {
  const { t } = useTranslation();
  if (signature === null) {
    return <Empty description={t("inside.noSignature")} />;
  }
  const columns = [
    { title: t("inside.tensorName"), dataIndex: "name", key: "name" },
    {
      title: t("inside.tensorShape"),
      key: "shape",
      render: (_: unknown, spec: TensorSpecFieldsFragment) => formatShape(spec.shape),
    },
    { title: t("inside.tensorType"), dataIndex: "dtype", key: "dtype" },
  ];
  return (
    <div className="signature">
      <Typography.Title level={5}>{t("inside.inputs")}</Typography.Title>
      <Table<TensorSpecFieldsFragment>
        rowKey="name"
        size="small"
        pagination={false}
        columns={columns}
        dataSource={signature.inputs}
        locale={{ emptyText: t("common.none") }}
      />
      <Typography.Title level={5}>{t("inside.outputs")}</Typography.Title>
      <Table<TensorSpecFieldsFragment>
        rowKey="name"
        size="small"
        pagination={false}
        columns={columns}
        dataSource={signature.outputs}
        locale={{ emptyText: t("common.none") }}
      />
    </div>
  );
}
