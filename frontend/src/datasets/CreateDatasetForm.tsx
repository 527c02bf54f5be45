import { Button, Form, Input, Modal } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useMutation } from "urql";
import type { CombinedError } from "urql";

import { ErrorDisplay } from "../common/ErrorDisplay";
import { CreateDatasetMutation } from "./documents";

interface CreateDatasetValues {
  name: string;
  description?: string;
}

/** Renders a button that opens a form for a new, empty dataset and opens the dataset once it is created. */
export function CreateDatasetForm({ teamId }: { teamId: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [{ fetching }, createDataset] = useMutation(CreateDatasetMutation);
  const [form] = Form.useForm<CreateDatasetValues>();

  const submit = async (values: CreateDatasetValues) => {
    const result = await createDataset({
      input: { teamId, name: values.name.trim(), description: values.description?.trim() ?? "", tags: [] },
    });
    setError(result.error ?? null);
    if (result.data) {
      setOpen(false);
      form.resetFields();
      void navigate(`/teams/${teamId}/datasets/${result.data.createDataset.id}`);
    }
  };

  return (
    <>
      <Button type="primary" onClick={() => setOpen(true)}>
        {t("datasets.create")}
      </Button>
      <Modal
        open={open}
        title={t("datasets.createTitle")}
        okText={t("datasets.create")}
        cancelText={t("common.cancel")}
        confirmLoading={fetching}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form<CreateDatasetValues> form={form} layout="vertical" onFinish={(values) => void submit(values)}>
          <Form.Item
            name="name"
            label={t("datasets.name")}
            rules={[{ required: true, whitespace: true, message: t("datasets.nameRequired") }]}
          >
            <Input autoFocus />
          </Form.Item>
          <Form.Item name="description" label={t("datasets.description")}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
        {error && <ErrorDisplay error={error} />}
      </Modal>
    </>
  );
}
