import { Alert, Button } from "antd";
import { Component } from "react";
import type { ErrorInfo, ReactNode } from "react";
import { useTranslation } from "react-i18next";

interface BoundaryProps {
  children: ReactNode;
  /** Changes when the user opens another page, which clears a caught error. */
  resetKey: string;
}

interface BoundaryState {
  error: Error | null;
  resetKey: string;
}

/**
 * Catches an error thrown while a page renders or loads its code, such as a page module that could
 * not be fetched while the server was down, and shows it with a reload button instead of a blank app.
 */
export class PageErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: Error): Partial<BoundaryState> {
    return { error };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    return props.resetKey !== state.resetKey ? { error: null, resetKey: props.resetKey } : null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error("a page failed to render", error, info.componentStack);
  }

  override render() {
    return this.state.error ? <PageFailure message={this.state.error.message} /> : this.props.children;
  }
}

function PageFailure({ message }: { message: string }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      title={t("layout.pageFailed")}
      description={message}
      action={<Button onClick={() => window.location.reload()}>{t("layout.reloadPage")}</Button>}
    />
  );
}
