/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    subjectName\n    summary\n    summaryParameters\n    correlationId\n  }\n": typeof types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n": typeof types.AuditEventsDocument,
    "\n  subscription SubjectEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectType\n      subjectId\n    }\n  }\n": typeof types.SubjectEventsDocument,
    "\n  fragment ConfigProfileRow on ConfigProfile {\n    id\n    teamId\n    name\n    description\n    ownerId\n    archived\n    latestRevisionNumber\n    createdAt\n    updatedAt\n  }\n": typeof types.ConfigProfileRowFragmentDoc,
    "\n  query ConfigProfiles($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    configProfiles(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...ConfigProfileRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ConfigProfilesDocument,
    "\n  query ConfigProfileRow($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n": typeof types.ConfigProfileRowDocument,
    "\n  query TrainingConfigSchema {\n    trainingConfigSchema\n  }\n": typeof types.TrainingConfigSchemaDocument,
    "\n  fragment ConfigRevisionFields on ConfigRevision {\n    profileId\n    number\n    document\n    comment\n    createdBy\n    createdAt\n  }\n": typeof types.ConfigRevisionFieldsFragmentDoc,
    "\n  query ConfigProfile($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n": typeof types.ConfigProfileDocument,
    "\n  query ConfigRevisions($id: ID!, $first: Int!, $after: String) {\n    configProfile(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          ...ConfigRevisionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ConfigRevisionsDocument,
    "\n  query ConfigDiff($id: ID!, $a: Int!, $b: Int!) {\n    configProfile(id: $id) {\n      id\n      diff(a: $a, b: $b) {\n        path\n        a\n        b\n      }\n    }\n  }\n": typeof types.ConfigDiffDocument,
    "\n  mutation CreateConfigProfile($input: CreateConfigProfileInput!) {\n    createConfigProfile(input: $input) {\n      ...ConfigProfileRow\n    }\n  }\n": typeof types.CreateConfigProfileDocument,
    "\n  mutation ReviseConfigProfile($input: ReviseConfigProfileInput!) {\n    reviseConfigProfile(input: $input) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n": typeof types.ReviseConfigProfileDocument,
    "\n  mutation ArchiveConfigProfile($id: ID!) {\n    archiveConfigProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n": typeof types.ArchiveConfigProfileDocument,
    "\n  subscription ConfigEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n": typeof types.ConfigEventsDocument,
    "\n  fragment DatasetRow on Dataset {\n    id\n    teamId\n    name\n    description\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    latestVersion {\n      id\n      number\n      status\n      rows\n    }\n  }\n": typeof types.DatasetRowFragmentDoc,
    "\n  query Datasets($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    datasets(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...DatasetRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.DatasetsDocument,
    "\n  fragment DatasetVersionRow on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    label\n    size\n    sha256\n    format\n    filename\n    parentId\n    parentNumber\n    duplicateOfId\n    failureReason\n    missingCells\n    createdBy\n    createdAt\n    updatedAt\n    downloadPath\n    profilingProgress {\n      rowsDone\n      rowsTotal\n    }\n    columns {\n      name\n      type\n      isLabel\n    }\n    splits {\n      name\n      rows\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n": typeof types.DatasetVersionRowFragmentDoc,
    "\n  subscription DatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      dataset {\n        ...DatasetRow\n      }\n      version {\n        ...DatasetVersionRow\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": typeof types.DatasetUpdatedDocument,
    "\n  query DatasetRow($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n": typeof types.DatasetRowDocument,
    "\n  mutation CreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      ...DatasetRow\n    }\n  }\n": typeof types.CreateDatasetDocument,
    "\n  mutation ArchiveDataset($id: ID!) {\n    archiveDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n": typeof types.ArchiveDatasetDocument,
    "\n  mutation RestoreDataset($id: ID!) {\n    restoreDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n": typeof types.RestoreDatasetDocument,
    "\n  query Dataset($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      ...DatasetRow\n      versions(first: $first, after: $after) {\n        nodes {\n          ...DatasetVersionRow\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.DatasetDocument,
    "\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missing\n    distinct\n    distinctExact\n    min\n    max\n    mean\n    std\n    quantiles {\n      q\n      value\n    }\n    quantilesExact\n    histogram {\n      edges\n      counts\n    }\n    topValues {\n      value\n      count\n    }\n    topValuesExact\n  }\n": typeof types.ColumnProfileFieldsFragmentDoc,
    "\n  query DatasetVersion($id: ID!) {\n    datasetVersion(id: $id) {\n      ...DatasetVersionRow\n      delimiter\n      dataset {\n        id\n        name\n        archived\n      }\n      operations {\n        op\n        description\n        parameters\n        fitted\n      }\n      profile {\n        rows\n        columns {\n          ...ColumnProfileFields\n        }\n        label {\n          column\n          distribution {\n            value\n            count\n          }\n        }\n        splits {\n          name\n          rows\n          label {\n            column\n            distribution {\n              value\n              count\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.DatasetVersionDocument,
    "\n  query DatasetPreview($id: ID!, $offset: Int!, $limit: Int!, $columns: [String!]) {\n    datasetVersion(id: $id) {\n      id\n      preview(offset: $offset, limit: $limit, columns: $columns) {\n        columns {\n          name\n          type\n          isLabel\n        }\n        rows\n        offset\n        total\n      }\n    }\n  }\n": typeof types.DatasetPreviewDocument,
    "\n  fragment LineageVersion on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    parentId\n    createdAt\n    dataset {\n      id\n      name\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n": typeof types.LineageVersionFragmentDoc,
    "\n  query DatasetLineage($id: ID!) {\n    datasetVersion(id: $id) {\n      ...LineageVersion\n      lineage {\n        ancestors {\n          ...LineageVersion\n        }\n        children {\n          ...LineageVersion\n        }\n      }\n    }\n  }\n": typeof types.DatasetLineageDocument,
    "\n  mutation DeriveDatasetVersion($input: DeriveDatasetVersionInput!) {\n    deriveDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n": typeof types.DeriveDatasetVersionDocument,
    "\n  mutation UploadDatasetVersion($input: UploadDatasetVersionInput!) {\n    uploadDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n": typeof types.UploadDatasetVersionDocument,
    "\n  mutation ProfileDatasetVersion($id: ID!) {\n    profileDatasetVersion(id: $id) {\n      ...DatasetVersionRow\n    }\n  }\n": typeof types.ProfileDatasetVersionDocument,
    "\n  fragment DeploymentConfigFields on DeploymentConfig {\n    traffic {\n      version\n      versionId\n      percent\n    }\n    scaling {\n      minReplicas\n      maxReplicas\n      targetOngoingRequests\n    }\n    cpusPerReplica\n    batching {\n      maxBatchSize\n      batchWaitMs\n    }\n    requestLogSample\n    languages {\n      language\n      version\n    }\n  }\n": typeof types.DeploymentConfigFieldsFragmentDoc,
    "\n  fragment DeploymentFields on Deployment {\n    id\n    teamId\n    modelId\n    name\n    status\n    revision\n    activeRevision\n    replicas\n    healthReason\n    createdBy\n    createdAt\n    updatedAt\n    endpoint\n    config {\n      ...DeploymentConfigFields\n    }\n    activeConfig {\n      ...DeploymentConfigFields\n    }\n  }\n": typeof types.DeploymentFieldsFragmentDoc,
    "\n  query Deployments($teamId: ID!, $status: [DeploymentStatus!], $first: Int!, $after: String) {\n    deployments(teamId: $teamId, status: $status, first: $first, after: $after) {\n      nodes {\n        ...DeploymentFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.DeploymentsDocument,
    "\n  subscription DeploymentUpdated($id: ID!) {\n    deploymentUpdated(id: $id) {\n      deployment {\n        ...DeploymentFields\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": typeof types.DeploymentUpdatedDocument,
    "\n  query Deployment($id: ID!) {\n    deployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.DeploymentDocument,
    "\n  fragment HealthPointFields on HealthPoint {\n    start\n    end\n    requests\n    requestsPerSecond\n    errorRate\n    clientErrorRate\n    latencyP50Ms\n    latencyP95Ms\n    latencyP99Ms\n  }\n": typeof types.HealthPointFieldsFragmentDoc,
    "\n  query DeploymentHealth($id: ID!, $since: DateTime, $stepSeconds: Int!) {\n    deploymentHealth(id: $id, since: $since, stepSeconds: $stepSeconds) {\n      windowSeconds\n      signals {\n        signal\n        value\n        unit\n      }\n      series {\n        ...HealthPointFields\n      }\n    }\n  }\n": typeof types.DeploymentHealthDocument,
    "\n  query DeploymentCallers($id: ID!, $since: DateTime) {\n    deployment(id: $id) {\n      id\n      callers(since: $since) {\n        ...CallerFields\n        requests\n      }\n    }\n  }\n": typeof types.DeploymentCallersDocument,
    "\n  fragment CallerFields on Caller {\n    caller\n    username\n    token {\n      id\n      name\n      prefix\n    }\n  }\n": typeof types.CallerFieldsFragmentDoc,
    "\n  fragment RequestLogEntryFields on RequestLogEntry {\n    entryId\n    loggedAt\n    version\n    ...CallerFields\n    rows\n    latencyMs\n    inputs\n    outputs\n  }\n": typeof types.RequestLogEntryFieldsFragmentDoc,
    "\n  query DeploymentRequestLog($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      requestLog(first: $first, after: $after) {\n        nodes {\n          ...RequestLogEntryFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.DeploymentRequestLogDocument,
    "\n  subscription RequestLogAppended($deploymentId: ID!, $after: Int) {\n    requestLogAppended(deploymentId: $deploymentId, after: $after) {\n      deploymentId\n      hasGap\n      entries {\n        ...RequestLogEntryFields\n      }\n    }\n  }\n": typeof types.RequestLogAppendedDocument,
    "\n  query DeploymentRevisions($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          revision\n          action\n          restoredRevision\n          createdBy\n          createdAt\n          activatedAt\n          config {\n            ...DeploymentConfigFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.DeploymentRevisionsDocument,
    "\n  query ModelVersionNumbers($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n": typeof types.ModelVersionNumbersDocument,
    "\n  mutation UpdateDeployment($id: ID!, $input: UpdateDeploymentInput!) {\n    updateDeployment(id: $id, input: $input) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.UpdateDeploymentDocument,
    "\n  mutation RollbackDeployment($id: ID!) {\n    rollbackDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.RollbackDeploymentDocument,
    "\n  mutation StopDeployment($id: ID!) {\n    stopDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.StopDeploymentDocument,
    "\n  mutation StartDeployment($id: ID!) {\n    startDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.StartDeploymentDocument,
    "\n  mutation Predict($input: PredictInput!) {\n    predict(input: $input) {\n      predictions\n      outputs\n      version\n      rows\n    }\n  }\n": typeof types.PredictDocument,
    "\n  query DeployModelChoices($teamId: ID!, $first: Int!) {\n    models(teamId: $teamId, first: $first) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": typeof types.DeployModelChoicesDocument,
    "\n  query DeployModelVersions($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      aliases {\n        alias\n        versionNumber\n      }\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n": typeof types.DeployModelVersionsDocument,
    "\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      ...DeploymentFields\n    }\n  }\n": typeof types.CreateDeploymentDocument,
    "\n  fragment EvaluationRow on Evaluation {\n    id\n    teamId\n    modelId\n    modelVersionId\n    modelVersionNumber\n    datasetId\n    datasetVersionId\n    split\n    label\n    task\n    status\n    rows\n    failureReason\n    createdBy\n    createdAt\n    updatedAt\n    summary {\n      name\n      value\n    }\n  }\n": typeof types.EvaluationRowFragmentDoc,
    "\n  query Evaluations($teamId: ID, $filter: EvaluationFilter, $first: Int!, $after: String) {\n    evaluations(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...EvaluationRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.EvaluationsDocument,
    "\n  query EvaluationRow($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationRow\n    }\n  }\n": typeof types.EvaluationRowDocument,
    "\n  subscription EvaluationRowUpdated($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationRow\n      }\n    }\n  }\n": typeof types.EvaluationRowUpdatedDocument,
    "\n  fragment EvaluationReport on Evaluation {\n    ...EvaluationRow\n    features\n    classes\n    notes\n    metrics\n    curves\n    slices\n    thresholds\n    attributions\n  }\n": typeof types.EvaluationReportFragmentDoc,
    "\n  query Evaluation($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationReport\n    }\n  }\n": typeof types.EvaluationDocument,
    "\n  subscription EvaluationLive($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationReport\n      }\n    }\n  }\n": typeof types.EvaluationLiveDocument,
    "\n  query ThresholdMetrics($id: ID!, $threshold: Float!) {\n    evaluation(id: $id) {\n      id\n      thresholdMetrics(threshold: $threshold) {\n        threshold\n        tp\n        fp\n        tn\n        fn\n        precision\n        recall\n        f1\n        accuracy\n        falsePositiveRate\n      }\n    }\n  }\n": typeof types.ThresholdMetricsDocument,
    "\n  mutation EvaluateModelVersion($input: EvaluateModelVersionInput!) {\n    evaluateModelVersion(input: $input) {\n      ...EvaluationRow\n    }\n  }\n": typeof types.EvaluateModelVersionDocument,
    "\n  query CompareEvaluations($ids: [ID!]!) {\n    compareEvaluations(ids: $ids) {\n      task\n      sameData\n      differentClasses\n      data {\n        evaluationId\n        modelName\n        modelVersionNumber\n        datasetName\n        datasetVersionNumber\n        split\n        label\n      }\n      evaluations {\n        ...EvaluationRow\n      }\n      metrics {\n        name\n        values\n        higherIsBetter\n        bestEvaluationIds\n      }\n      curves {\n        evaluationId\n        roc {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        pr {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        residuals {\n          low\n          high\n          counts\n        }\n      }\n    }\n  }\n": typeof types.CompareEvaluationsDocument,
    "\n  fragment TensorSpecFields on TensorSpec {\n    name\n    shape\n    dtype\n  }\n": typeof types.TensorSpecFieldsFragmentDoc,
    "\n  query VersionInside($modelId: ID!, $versionId: ID!) {\n    model(id: $modelId) {\n      id\n      name\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n    modelVersion(id: $versionId) {\n      id\n      modelId\n      number\n      format\n      status\n      statusReason\n      failureReason\n      filename\n      createdAt\n      lineage {\n        key\n        value\n      }\n      signature {\n        inputs {\n          ...TensorSpecFields\n        }\n        outputs {\n          ...TensorSpecFields\n        }\n      }\n      inspection {\n        modelClass\n        trainableParameters\n        nonTrainableParameters\n        layers {\n          name\n          className\n          outputShape\n          parameters\n          trainable\n          trainableParameters\n        }\n        edges {\n          source\n          target\n        }\n      }\n    }\n  }\n": typeof types.VersionInsideDocument,
    "\n  fragment WeightStatisticsFields on WeightStatistics {\n    name\n    shape\n    count\n    nanCount\n    infCount\n    mean\n    std\n    min\n    max\n    histogram {\n      edges\n      counts\n    }\n  }\n": typeof types.WeightStatisticsFieldsFragmentDoc,
    "\n  query VersionWeights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      number\n      inspection {\n        layers {\n          name\n        }\n        weights {\n          ...WeightStatisticsFields\n        }\n      }\n    }\n  }\n": typeof types.VersionWeightsDocument,
    "\n  subscription VersionModelChanged($id: ID!) {\n    modelUpdated(id: $id) {\n      change {\n        position\n      }\n    }\n  }\n": typeof types.VersionModelChangedDocument,
    "\n  fragment AlertFields on Alert {\n    id\n    incident\n    teamId\n    ruleId\n    ruleName\n    signal\n    feature\n    comparator\n    threshold\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    state\n    value\n    firstValue\n    message\n    startedAt\n    firedAt\n    endedAt\n    acknowledgedBy\n    acknowledgedByUsername\n    acknowledgedAt\n    acknowledgeNote\n    silencedUntil\n    silenceReason\n  }\n": typeof types.AlertFieldsFragmentDoc,
    "\n  subscription MonitoringWall($teamId: ID!) {\n    monitoringWall(teamId: $teamId) {\n      teamId\n      at\n      changed\n      deployments {\n        deployment {\n          id\n          name\n          status\n          revision\n          healthReason\n          config {\n            traffic {\n              version\n              percent\n            }\n          }\n        }\n        requestsPerSecond\n        errorRate\n        latencyP99Ms\n        featureDriftPsi\n        predictionDriftPsi\n        openAlerts\n        worstSeverity\n      }\n      alerts {\n        ...AlertFields\n      }\n    }\n  }\n": typeof types.MonitoringWallDocument,
    "\n  query Alerts($filter: AlertFilter, $first: Int!, $after: String) {\n    alerts(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AlertFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AlertsDocument,
    "\n  subscription AlertUpdated($teamId: ID) {\n    alertUpdated(teamId: $teamId) {\n      alert {\n        ...AlertFields\n      }\n      change {\n        position\n        action\n      }\n    }\n  }\n": typeof types.AlertUpdatedDocument,
    "\n  mutation AcknowledgeAlert($id: ID!, $note: String) {\n    acknowledgeAlert(id: $id, note: $note) {\n      ...AlertFields\n    }\n  }\n": typeof types.AcknowledgeAlertDocument,
    "\n  mutation SilenceAlert($id: ID!, $until: DateTime!, $reason: String) {\n    silenceAlert(id: $id, until: $until, reason: $reason) {\n      ...AlertFields\n    }\n  }\n": typeof types.SilenceAlertDocument,
    "\n  mutation UnsilenceAlert($id: ID!) {\n    unsilenceAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n": typeof types.UnsilenceAlertDocument,
    "\n  query AlertRules($teamId: ID!, $first: Int!, $after: String) {\n    alertRules(teamId: $teamId, first: $first, after: $after) {\n      nodes {\n        id\n        name\n        signal\n        feature\n        comparator\n        threshold\n        windowSeconds\n        forSeconds\n        severity\n        targetKind\n        targetId\n        targetName\n        channelIds\n        enabled\n        createdBy\n        updatedAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.AlertRulesDocument,
    "\n  fragment NotificationFields on Notification {\n    position\n    alertId\n    incident\n    kind\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    message\n    value\n    createdAt\n    read\n    alert {\n      ruleName\n      signal\n      feature\n      comparator\n      threshold\n    }\n  }\n": typeof types.NotificationFieldsFragmentDoc,
    "\n  query Notifications($teamId: ID!, $first: Int!) {\n    notifications(teamId: $teamId, first: $first) {\n      unread\n      notifications {\n        nodes {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n": typeof types.NotificationsDocument,
    "\n  subscription NotificationAdded($teamId: ID!) {\n    notificationAdded(teamId: $teamId) {\n      ...NotificationFields\n    }\n  }\n": typeof types.NotificationAddedDocument,
    "\n  mutation MarkNotificationsRead($teamId: ID!, $upTo: Int!) {\n    markNotificationsRead(teamId: $teamId, upTo: $upTo)\n  }\n": typeof types.MarkNotificationsReadDocument,
    "\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n": typeof types.ModelRowFragmentDoc,
    "\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ModelsDocument,
    "\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n": typeof types.ModelRowUpdatedDocument,
    "\n  query ModelRow($id: ID!) {\n    model(id: $id) {\n      ...ModelRow\n    }\n  }\n": typeof types.ModelRowDocument,
    "\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n": typeof types.ModelDetailFragmentDoc,
    "\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n": typeof types.ModelDocument,
    "\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": typeof types.ModelUpdatedDocument,
    "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n    lineage {\n      key\n      value\n    }\n  }\n": typeof types.ModelVersionFieldsFragmentDoc,
    "\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.ModelVersionsDocument,
    "\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": typeof types.MoveAliasDocument,
    "\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": typeof types.RemoveAliasDocument,
    "\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n": typeof types.CompareModelVersionsDocument,
    "\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ModelHistoryDocument,
    "\n  query ModelRunNames($teamId: ID!, $modelId: ID!, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: { modelId: $modelId }, first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.ModelRunNamesDocument,
    "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n": typeof types.ViewerFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n        modelCount\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TeamsDocument,
    "\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n": typeof types.TeamDocument,
    "\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.TeamMembersDocument,
    "\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": typeof types.TeamTokensDocument,
    "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": typeof types.AddMemberDocument,
    "\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": typeof types.ChangeMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  fragment TrainingRunRow on TrainingRun {\n    id\n    teamId\n    name\n    source\n    status\n    ownerId\n    modelId\n    datasetId\n    datasetVersionId\n    configProfileId\n    configRevision\n    label\n    epochsDone\n    epochsPlanned\n    attempt\n    restarts\n    cancelRequested\n    etaSeconds\n    modelVersionId\n    modelVersionNumber\n    createdAt\n    startedAt\n    finishedAt\n    updatedAt\n  }\n": typeof types.TrainingRunRowFragmentDoc,
    "\n  query TrainingRuns($teamId: ID!, $filter: TrainingRunFilter, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...TrainingRunRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": typeof types.TrainingRunsDocument,
    "\n  query TrainingRunRow($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunRow\n    }\n  }\n": typeof types.TrainingRunRowDocument,
    "\n  subscription TrainingRunRowUpdated($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunRow\n      }\n    }\n  }\n": typeof types.TrainingRunRowUpdatedDocument,
    "\n  fragment MetricValueFields on MetricValue {\n    name\n    value\n    nonFinite\n  }\n": typeof types.MetricValueFieldsFragmentDoc,
    "\n  fragment TrainingEpochFields on TrainingEpoch {\n    epoch\n    attempt\n    step\n    learningRate\n    durationSeconds\n    etaSeconds\n    recordedAt\n    metrics {\n      ...MetricValueFields\n    }\n  }\n": typeof types.TrainingEpochFieldsFragmentDoc,
    "\n  fragment TrainingRunDetail on TrainingRun {\n    ...TrainingRunRow\n    template\n    baseModelVersionId\n    features\n    classes\n    workers\n    step\n    learningRate\n    checkpointEpoch\n    restartReason\n    failureReason\n    stoppedEarly\n    bestEpoch\n    registrationError\n    config\n    dataSummary\n    metricNames\n    latestMetrics {\n      ...MetricValueFields\n    }\n    finalMetrics {\n      ...MetricValueFields\n    }\n  }\n": typeof types.TrainingRunDetailFragmentDoc,
    "\n  query TrainingRun($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunDetail\n      epochs {\n        ...TrainingEpochFields\n      }\n    }\n  }\n": typeof types.TrainingRunDocument,
    "\n  subscription TrainingRunLive($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunDetail\n      }\n      epoch {\n        ...TrainingEpochFields\n      }\n      points {\n        name\n        step\n        epoch\n        value\n        nonFinite\n        wallTime\n      }\n      change {\n        position\n        action\n        occurredAt\n      }\n    }\n  }\n": typeof types.TrainingRunLiveDocument,
    "\n  query TrainingRunMetrics($id: ID!, $names: [String!], $maxPoints: Int!) {\n    trainingRun(id: $id) {\n      id\n      metrics(names: $names, maxPoints: $maxPoints) {\n        name\n        totalPoints\n        downsampled\n        points {\n          step\n          epoch\n          value\n          nonFinite\n          wallTime\n        }\n      }\n    }\n  }\n": typeof types.TrainingRunMetricsDocument,
    "\n  query HistogramTensors($id: ID!) {\n    trainingRun(id: $id) {\n      id\n      histogramTensors {\n        layer\n        tensor\n        kind\n      }\n    }\n  }\n": typeof types.HistogramTensorsDocument,
    "\n  fragment LayerHistogramFields on LayerHistogram {\n    epoch\n    layer\n    tensor\n    kind\n    low\n    high\n    counts\n    nanCount\n    infCount\n    min\n    max\n    mean\n    std\n    edges\n  }\n": typeof types.LayerHistogramFieldsFragmentDoc,
    "\n  query LayerHistograms($id: ID!, $layer: String, $kind: HistogramKind, $epoch: Int) {\n    trainingRun(id: $id) {\n      id\n      histograms(layer: $layer, kind: $kind, epoch: $epoch) {\n        ...LayerHistogramFields\n      }\n    }\n  }\n": typeof types.LayerHistogramsDocument,
    "\n  mutation CancelTrainingRun($id: ID!) {\n    cancelTrainingRun(id: $id) {\n      ...TrainingRunDetail\n    }\n  }\n": typeof types.CancelTrainingRunDocument,
    "\n  mutation StartTrainingRun($input: StartTrainingRunInput!) {\n    startTrainingRun(input: $input) {\n      ...TrainingRunRow\n    }\n  }\n": typeof types.StartTrainingRunDocument,
    "\n  query TeamCatalog($teamId: ID!) {\n    models(teamId: $teamId, first: 500, filter: { archived: null }) {\n      nodes {\n        id\n        name\n        task\n        archived\n      }\n    }\n    datasets(teamId: $teamId, first: 100, archived: null) {\n      nodes {\n        id\n        name\n        archived\n        versions(first: 100) {\n          nodes {\n            id\n            number\n            status\n            label\n            rows\n            splits {\n              name\n              rows\n            }\n            columns {\n              name\n              type\n              isLabel\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.TeamCatalogDocument,
    "\n  query TrainingConfigProfiles($teamId: ID!) {\n    configProfiles(teamId: $teamId, first: 200) {\n      nodes {\n        id\n        name\n        description\n        latestRevisionNumber\n      }\n    }\n  }\n": typeof types.TrainingConfigProfilesDocument,
    "\n  query TrainingConfigRevisions($id: ID!) {\n    configProfile(id: $id) {\n      id\n      latestRevisionNumber\n      revisions(first: 200) {\n        nodes {\n          number\n          comment\n          createdAt\n          document\n        }\n      }\n    }\n  }\n": typeof types.TrainingConfigRevisionsDocument,
    "\n  query ModelVersionChoices($id: ID!) {\n    model(id: $id) {\n      id\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n  }\n": typeof types.ModelVersionChoicesDocument,
};
const documents: Documents = {
    "\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    subjectName\n    summary\n    summaryParameters\n    correlationId\n  }\n": types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n": types.AuditEventsDocument,
    "\n  subscription SubjectEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectType\n      subjectId\n    }\n  }\n": types.SubjectEventsDocument,
    "\n  fragment ConfigProfileRow on ConfigProfile {\n    id\n    teamId\n    name\n    description\n    ownerId\n    archived\n    latestRevisionNumber\n    createdAt\n    updatedAt\n  }\n": types.ConfigProfileRowFragmentDoc,
    "\n  query ConfigProfiles($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    configProfiles(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...ConfigProfileRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ConfigProfilesDocument,
    "\n  query ConfigProfileRow($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n": types.ConfigProfileRowDocument,
    "\n  query TrainingConfigSchema {\n    trainingConfigSchema\n  }\n": types.TrainingConfigSchemaDocument,
    "\n  fragment ConfigRevisionFields on ConfigRevision {\n    profileId\n    number\n    document\n    comment\n    createdBy\n    createdAt\n  }\n": types.ConfigRevisionFieldsFragmentDoc,
    "\n  query ConfigProfile($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n": types.ConfigProfileDocument,
    "\n  query ConfigRevisions($id: ID!, $first: Int!, $after: String) {\n    configProfile(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          ...ConfigRevisionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ConfigRevisionsDocument,
    "\n  query ConfigDiff($id: ID!, $a: Int!, $b: Int!) {\n    configProfile(id: $id) {\n      id\n      diff(a: $a, b: $b) {\n        path\n        a\n        b\n      }\n    }\n  }\n": types.ConfigDiffDocument,
    "\n  mutation CreateConfigProfile($input: CreateConfigProfileInput!) {\n    createConfigProfile(input: $input) {\n      ...ConfigProfileRow\n    }\n  }\n": types.CreateConfigProfileDocument,
    "\n  mutation ReviseConfigProfile($input: ReviseConfigProfileInput!) {\n    reviseConfigProfile(input: $input) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n": types.ReviseConfigProfileDocument,
    "\n  mutation ArchiveConfigProfile($id: ID!) {\n    archiveConfigProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n": types.ArchiveConfigProfileDocument,
    "\n  subscription ConfigEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n": types.ConfigEventsDocument,
    "\n  fragment DatasetRow on Dataset {\n    id\n    teamId\n    name\n    description\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    latestVersion {\n      id\n      number\n      status\n      rows\n    }\n  }\n": types.DatasetRowFragmentDoc,
    "\n  query Datasets($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    datasets(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...DatasetRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.DatasetsDocument,
    "\n  fragment DatasetVersionRow on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    label\n    size\n    sha256\n    format\n    filename\n    parentId\n    parentNumber\n    duplicateOfId\n    failureReason\n    missingCells\n    createdBy\n    createdAt\n    updatedAt\n    downloadPath\n    profilingProgress {\n      rowsDone\n      rowsTotal\n    }\n    columns {\n      name\n      type\n      isLabel\n    }\n    splits {\n      name\n      rows\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n": types.DatasetVersionRowFragmentDoc,
    "\n  subscription DatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      dataset {\n        ...DatasetRow\n      }\n      version {\n        ...DatasetVersionRow\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": types.DatasetUpdatedDocument,
    "\n  query DatasetRow($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n": types.DatasetRowDocument,
    "\n  mutation CreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      ...DatasetRow\n    }\n  }\n": types.CreateDatasetDocument,
    "\n  mutation ArchiveDataset($id: ID!) {\n    archiveDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n": types.ArchiveDatasetDocument,
    "\n  mutation RestoreDataset($id: ID!) {\n    restoreDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n": types.RestoreDatasetDocument,
    "\n  query Dataset($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      ...DatasetRow\n      versions(first: $first, after: $after) {\n        nodes {\n          ...DatasetVersionRow\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.DatasetDocument,
    "\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missing\n    distinct\n    distinctExact\n    min\n    max\n    mean\n    std\n    quantiles {\n      q\n      value\n    }\n    quantilesExact\n    histogram {\n      edges\n      counts\n    }\n    topValues {\n      value\n      count\n    }\n    topValuesExact\n  }\n": types.ColumnProfileFieldsFragmentDoc,
    "\n  query DatasetVersion($id: ID!) {\n    datasetVersion(id: $id) {\n      ...DatasetVersionRow\n      delimiter\n      dataset {\n        id\n        name\n        archived\n      }\n      operations {\n        op\n        description\n        parameters\n        fitted\n      }\n      profile {\n        rows\n        columns {\n          ...ColumnProfileFields\n        }\n        label {\n          column\n          distribution {\n            value\n            count\n          }\n        }\n        splits {\n          name\n          rows\n          label {\n            column\n            distribution {\n              value\n              count\n            }\n          }\n        }\n      }\n    }\n  }\n": types.DatasetVersionDocument,
    "\n  query DatasetPreview($id: ID!, $offset: Int!, $limit: Int!, $columns: [String!]) {\n    datasetVersion(id: $id) {\n      id\n      preview(offset: $offset, limit: $limit, columns: $columns) {\n        columns {\n          name\n          type\n          isLabel\n        }\n        rows\n        offset\n        total\n      }\n    }\n  }\n": types.DatasetPreviewDocument,
    "\n  fragment LineageVersion on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    parentId\n    createdAt\n    dataset {\n      id\n      name\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n": types.LineageVersionFragmentDoc,
    "\n  query DatasetLineage($id: ID!) {\n    datasetVersion(id: $id) {\n      ...LineageVersion\n      lineage {\n        ancestors {\n          ...LineageVersion\n        }\n        children {\n          ...LineageVersion\n        }\n      }\n    }\n  }\n": types.DatasetLineageDocument,
    "\n  mutation DeriveDatasetVersion($input: DeriveDatasetVersionInput!) {\n    deriveDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n": types.DeriveDatasetVersionDocument,
    "\n  mutation UploadDatasetVersion($input: UploadDatasetVersionInput!) {\n    uploadDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n": types.UploadDatasetVersionDocument,
    "\n  mutation ProfileDatasetVersion($id: ID!) {\n    profileDatasetVersion(id: $id) {\n      ...DatasetVersionRow\n    }\n  }\n": types.ProfileDatasetVersionDocument,
    "\n  fragment DeploymentConfigFields on DeploymentConfig {\n    traffic {\n      version\n      versionId\n      percent\n    }\n    scaling {\n      minReplicas\n      maxReplicas\n      targetOngoingRequests\n    }\n    cpusPerReplica\n    batching {\n      maxBatchSize\n      batchWaitMs\n    }\n    requestLogSample\n    languages {\n      language\n      version\n    }\n  }\n": types.DeploymentConfigFieldsFragmentDoc,
    "\n  fragment DeploymentFields on Deployment {\n    id\n    teamId\n    modelId\n    name\n    status\n    revision\n    activeRevision\n    replicas\n    healthReason\n    createdBy\n    createdAt\n    updatedAt\n    endpoint\n    config {\n      ...DeploymentConfigFields\n    }\n    activeConfig {\n      ...DeploymentConfigFields\n    }\n  }\n": types.DeploymentFieldsFragmentDoc,
    "\n  query Deployments($teamId: ID!, $status: [DeploymentStatus!], $first: Int!, $after: String) {\n    deployments(teamId: $teamId, status: $status, first: $first, after: $after) {\n      nodes {\n        ...DeploymentFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.DeploymentsDocument,
    "\n  subscription DeploymentUpdated($id: ID!) {\n    deploymentUpdated(id: $id) {\n      deployment {\n        ...DeploymentFields\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": types.DeploymentUpdatedDocument,
    "\n  query Deployment($id: ID!) {\n    deployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": types.DeploymentDocument,
    "\n  fragment HealthPointFields on HealthPoint {\n    start\n    end\n    requests\n    requestsPerSecond\n    errorRate\n    clientErrorRate\n    latencyP50Ms\n    latencyP95Ms\n    latencyP99Ms\n  }\n": types.HealthPointFieldsFragmentDoc,
    "\n  query DeploymentHealth($id: ID!, $since: DateTime, $stepSeconds: Int!) {\n    deploymentHealth(id: $id, since: $since, stepSeconds: $stepSeconds) {\n      windowSeconds\n      signals {\n        signal\n        value\n        unit\n      }\n      series {\n        ...HealthPointFields\n      }\n    }\n  }\n": types.DeploymentHealthDocument,
    "\n  query DeploymentCallers($id: ID!, $since: DateTime) {\n    deployment(id: $id) {\n      id\n      callers(since: $since) {\n        ...CallerFields\n        requests\n      }\n    }\n  }\n": types.DeploymentCallersDocument,
    "\n  fragment CallerFields on Caller {\n    caller\n    username\n    token {\n      id\n      name\n      prefix\n    }\n  }\n": types.CallerFieldsFragmentDoc,
    "\n  fragment RequestLogEntryFields on RequestLogEntry {\n    entryId\n    loggedAt\n    version\n    ...CallerFields\n    rows\n    latencyMs\n    inputs\n    outputs\n  }\n": types.RequestLogEntryFieldsFragmentDoc,
    "\n  query DeploymentRequestLog($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      requestLog(first: $first, after: $after) {\n        nodes {\n          ...RequestLogEntryFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.DeploymentRequestLogDocument,
    "\n  subscription RequestLogAppended($deploymentId: ID!, $after: Int) {\n    requestLogAppended(deploymentId: $deploymentId, after: $after) {\n      deploymentId\n      hasGap\n      entries {\n        ...RequestLogEntryFields\n      }\n    }\n  }\n": types.RequestLogAppendedDocument,
    "\n  query DeploymentRevisions($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          revision\n          action\n          restoredRevision\n          createdBy\n          createdAt\n          activatedAt\n          config {\n            ...DeploymentConfigFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.DeploymentRevisionsDocument,
    "\n  query ModelVersionNumbers($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n": types.ModelVersionNumbersDocument,
    "\n  mutation UpdateDeployment($id: ID!, $input: UpdateDeploymentInput!) {\n    updateDeployment(id: $id, input: $input) {\n      ...DeploymentFields\n    }\n  }\n": types.UpdateDeploymentDocument,
    "\n  mutation RollbackDeployment($id: ID!) {\n    rollbackDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": types.RollbackDeploymentDocument,
    "\n  mutation StopDeployment($id: ID!) {\n    stopDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": types.StopDeploymentDocument,
    "\n  mutation StartDeployment($id: ID!) {\n    startDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n": types.StartDeploymentDocument,
    "\n  mutation Predict($input: PredictInput!) {\n    predict(input: $input) {\n      predictions\n      outputs\n      version\n      rows\n    }\n  }\n": types.PredictDocument,
    "\n  query DeployModelChoices($teamId: ID!, $first: Int!) {\n    models(teamId: $teamId, first: $first) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": types.DeployModelChoicesDocument,
    "\n  query DeployModelVersions($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      aliases {\n        alias\n        versionNumber\n      }\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n": types.DeployModelVersionsDocument,
    "\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      ...DeploymentFields\n    }\n  }\n": types.CreateDeploymentDocument,
    "\n  fragment EvaluationRow on Evaluation {\n    id\n    teamId\n    modelId\n    modelVersionId\n    modelVersionNumber\n    datasetId\n    datasetVersionId\n    split\n    label\n    task\n    status\n    rows\n    failureReason\n    createdBy\n    createdAt\n    updatedAt\n    summary {\n      name\n      value\n    }\n  }\n": types.EvaluationRowFragmentDoc,
    "\n  query Evaluations($teamId: ID, $filter: EvaluationFilter, $first: Int!, $after: String) {\n    evaluations(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...EvaluationRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.EvaluationsDocument,
    "\n  query EvaluationRow($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationRow\n    }\n  }\n": types.EvaluationRowDocument,
    "\n  subscription EvaluationRowUpdated($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationRow\n      }\n    }\n  }\n": types.EvaluationRowUpdatedDocument,
    "\n  fragment EvaluationReport on Evaluation {\n    ...EvaluationRow\n    features\n    classes\n    notes\n    metrics\n    curves\n    slices\n    thresholds\n    attributions\n  }\n": types.EvaluationReportFragmentDoc,
    "\n  query Evaluation($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationReport\n    }\n  }\n": types.EvaluationDocument,
    "\n  subscription EvaluationLive($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationReport\n      }\n    }\n  }\n": types.EvaluationLiveDocument,
    "\n  query ThresholdMetrics($id: ID!, $threshold: Float!) {\n    evaluation(id: $id) {\n      id\n      thresholdMetrics(threshold: $threshold) {\n        threshold\n        tp\n        fp\n        tn\n        fn\n        precision\n        recall\n        f1\n        accuracy\n        falsePositiveRate\n      }\n    }\n  }\n": types.ThresholdMetricsDocument,
    "\n  mutation EvaluateModelVersion($input: EvaluateModelVersionInput!) {\n    evaluateModelVersion(input: $input) {\n      ...EvaluationRow\n    }\n  }\n": types.EvaluateModelVersionDocument,
    "\n  query CompareEvaluations($ids: [ID!]!) {\n    compareEvaluations(ids: $ids) {\n      task\n      sameData\n      differentClasses\n      data {\n        evaluationId\n        modelName\n        modelVersionNumber\n        datasetName\n        datasetVersionNumber\n        split\n        label\n      }\n      evaluations {\n        ...EvaluationRow\n      }\n      metrics {\n        name\n        values\n        higherIsBetter\n        bestEvaluationIds\n      }\n      curves {\n        evaluationId\n        roc {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        pr {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        residuals {\n          low\n          high\n          counts\n        }\n      }\n    }\n  }\n": types.CompareEvaluationsDocument,
    "\n  fragment TensorSpecFields on TensorSpec {\n    name\n    shape\n    dtype\n  }\n": types.TensorSpecFieldsFragmentDoc,
    "\n  query VersionInside($modelId: ID!, $versionId: ID!) {\n    model(id: $modelId) {\n      id\n      name\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n    modelVersion(id: $versionId) {\n      id\n      modelId\n      number\n      format\n      status\n      statusReason\n      failureReason\n      filename\n      createdAt\n      lineage {\n        key\n        value\n      }\n      signature {\n        inputs {\n          ...TensorSpecFields\n        }\n        outputs {\n          ...TensorSpecFields\n        }\n      }\n      inspection {\n        modelClass\n        trainableParameters\n        nonTrainableParameters\n        layers {\n          name\n          className\n          outputShape\n          parameters\n          trainable\n          trainableParameters\n        }\n        edges {\n          source\n          target\n        }\n      }\n    }\n  }\n": types.VersionInsideDocument,
    "\n  fragment WeightStatisticsFields on WeightStatistics {\n    name\n    shape\n    count\n    nanCount\n    infCount\n    mean\n    std\n    min\n    max\n    histogram {\n      edges\n      counts\n    }\n  }\n": types.WeightStatisticsFieldsFragmentDoc,
    "\n  query VersionWeights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      number\n      inspection {\n        layers {\n          name\n        }\n        weights {\n          ...WeightStatisticsFields\n        }\n      }\n    }\n  }\n": types.VersionWeightsDocument,
    "\n  subscription VersionModelChanged($id: ID!) {\n    modelUpdated(id: $id) {\n      change {\n        position\n      }\n    }\n  }\n": types.VersionModelChangedDocument,
    "\n  fragment AlertFields on Alert {\n    id\n    incident\n    teamId\n    ruleId\n    ruleName\n    signal\n    feature\n    comparator\n    threshold\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    state\n    value\n    firstValue\n    message\n    startedAt\n    firedAt\n    endedAt\n    acknowledgedBy\n    acknowledgedByUsername\n    acknowledgedAt\n    acknowledgeNote\n    silencedUntil\n    silenceReason\n  }\n": types.AlertFieldsFragmentDoc,
    "\n  subscription MonitoringWall($teamId: ID!) {\n    monitoringWall(teamId: $teamId) {\n      teamId\n      at\n      changed\n      deployments {\n        deployment {\n          id\n          name\n          status\n          revision\n          healthReason\n          config {\n            traffic {\n              version\n              percent\n            }\n          }\n        }\n        requestsPerSecond\n        errorRate\n        latencyP99Ms\n        featureDriftPsi\n        predictionDriftPsi\n        openAlerts\n        worstSeverity\n      }\n      alerts {\n        ...AlertFields\n      }\n    }\n  }\n": types.MonitoringWallDocument,
    "\n  query Alerts($filter: AlertFilter, $first: Int!, $after: String) {\n    alerts(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AlertFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AlertsDocument,
    "\n  subscription AlertUpdated($teamId: ID) {\n    alertUpdated(teamId: $teamId) {\n      alert {\n        ...AlertFields\n      }\n      change {\n        position\n        action\n      }\n    }\n  }\n": types.AlertUpdatedDocument,
    "\n  mutation AcknowledgeAlert($id: ID!, $note: String) {\n    acknowledgeAlert(id: $id, note: $note) {\n      ...AlertFields\n    }\n  }\n": types.AcknowledgeAlertDocument,
    "\n  mutation SilenceAlert($id: ID!, $until: DateTime!, $reason: String) {\n    silenceAlert(id: $id, until: $until, reason: $reason) {\n      ...AlertFields\n    }\n  }\n": types.SilenceAlertDocument,
    "\n  mutation UnsilenceAlert($id: ID!) {\n    unsilenceAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n": types.UnsilenceAlertDocument,
    "\n  query AlertRules($teamId: ID!, $first: Int!, $after: String) {\n    alertRules(teamId: $teamId, first: $first, after: $after) {\n      nodes {\n        id\n        name\n        signal\n        feature\n        comparator\n        threshold\n        windowSeconds\n        forSeconds\n        severity\n        targetKind\n        targetId\n        targetName\n        channelIds\n        enabled\n        createdBy\n        updatedAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.AlertRulesDocument,
    "\n  fragment NotificationFields on Notification {\n    position\n    alertId\n    incident\n    kind\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    message\n    value\n    createdAt\n    read\n    alert {\n      ruleName\n      signal\n      feature\n      comparator\n      threshold\n    }\n  }\n": types.NotificationFieldsFragmentDoc,
    "\n  query Notifications($teamId: ID!, $first: Int!) {\n    notifications(teamId: $teamId, first: $first) {\n      unread\n      notifications {\n        nodes {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n": types.NotificationsDocument,
    "\n  subscription NotificationAdded($teamId: ID!) {\n    notificationAdded(teamId: $teamId) {\n      ...NotificationFields\n    }\n  }\n": types.NotificationAddedDocument,
    "\n  mutation MarkNotificationsRead($teamId: ID!, $upTo: Int!) {\n    markNotificationsRead(teamId: $teamId, upTo: $upTo)\n  }\n": types.MarkNotificationsReadDocument,
    "\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n": types.ModelRowFragmentDoc,
    "\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ModelsDocument,
    "\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n": types.ModelRowUpdatedDocument,
    "\n  query ModelRow($id: ID!) {\n    model(id: $id) {\n      ...ModelRow\n    }\n  }\n": types.ModelRowDocument,
    "\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n": types.ModelDetailFragmentDoc,
    "\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n": types.ModelDocument,
    "\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n": types.ModelUpdatedDocument,
    "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n    lineage {\n      key\n      value\n    }\n  }\n": types.ModelVersionFieldsFragmentDoc,
    "\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.ModelVersionsDocument,
    "\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": types.MoveAliasDocument,
    "\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n": types.RemoveAliasDocument,
    "\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n": types.CompareModelVersionsDocument,
    "\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ModelHistoryDocument,
    "\n  query ModelRunNames($teamId: ID!, $modelId: ID!, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: { modelId: $modelId }, first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.ModelRunNamesDocument,
    "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n": types.ViewerDocument,
    "\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n": types.ViewerFieldsFragmentDoc,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n        modelCount\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TeamsDocument,
    "\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n": types.TeamDocument,
    "\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.TeamMembersDocument,
    "\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n": types.TeamTokensDocument,
    "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.UsersDocument,
    "\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": types.AddMemberDocument,
    "\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n": types.ChangeMemberRoleDocument,
    "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n": types.RemoveMemberDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  fragment TrainingRunRow on TrainingRun {\n    id\n    teamId\n    name\n    source\n    status\n    ownerId\n    modelId\n    datasetId\n    datasetVersionId\n    configProfileId\n    configRevision\n    label\n    epochsDone\n    epochsPlanned\n    attempt\n    restarts\n    cancelRequested\n    etaSeconds\n    modelVersionId\n    modelVersionNumber\n    createdAt\n    startedAt\n    finishedAt\n    updatedAt\n  }\n": types.TrainingRunRowFragmentDoc,
    "\n  query TrainingRuns($teamId: ID!, $filter: TrainingRunFilter, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...TrainingRunRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n": types.TrainingRunsDocument,
    "\n  query TrainingRunRow($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunRow\n    }\n  }\n": types.TrainingRunRowDocument,
    "\n  subscription TrainingRunRowUpdated($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunRow\n      }\n    }\n  }\n": types.TrainingRunRowUpdatedDocument,
    "\n  fragment MetricValueFields on MetricValue {\n    name\n    value\n    nonFinite\n  }\n": types.MetricValueFieldsFragmentDoc,
    "\n  fragment TrainingEpochFields on TrainingEpoch {\n    epoch\n    attempt\n    step\n    learningRate\n    durationSeconds\n    etaSeconds\n    recordedAt\n    metrics {\n      ...MetricValueFields\n    }\n  }\n": types.TrainingEpochFieldsFragmentDoc,
    "\n  fragment TrainingRunDetail on TrainingRun {\n    ...TrainingRunRow\n    template\n    baseModelVersionId\n    features\n    classes\n    workers\n    step\n    learningRate\n    checkpointEpoch\n    restartReason\n    failureReason\n    stoppedEarly\n    bestEpoch\n    registrationError\n    config\n    dataSummary\n    metricNames\n    latestMetrics {\n      ...MetricValueFields\n    }\n    finalMetrics {\n      ...MetricValueFields\n    }\n  }\n": types.TrainingRunDetailFragmentDoc,
    "\n  query TrainingRun($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunDetail\n      epochs {\n        ...TrainingEpochFields\n      }\n    }\n  }\n": types.TrainingRunDocument,
    "\n  subscription TrainingRunLive($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunDetail\n      }\n      epoch {\n        ...TrainingEpochFields\n      }\n      points {\n        name\n        step\n        epoch\n        value\n        nonFinite\n        wallTime\n      }\n      change {\n        position\n        action\n        occurredAt\n      }\n    }\n  }\n": types.TrainingRunLiveDocument,
    "\n  query TrainingRunMetrics($id: ID!, $names: [String!], $maxPoints: Int!) {\n    trainingRun(id: $id) {\n      id\n      metrics(names: $names, maxPoints: $maxPoints) {\n        name\n        totalPoints\n        downsampled\n        points {\n          step\n          epoch\n          value\n          nonFinite\n          wallTime\n        }\n      }\n    }\n  }\n": types.TrainingRunMetricsDocument,
    "\n  query HistogramTensors($id: ID!) {\n    trainingRun(id: $id) {\n      id\n      histogramTensors {\n        layer\n        tensor\n        kind\n      }\n    }\n  }\n": types.HistogramTensorsDocument,
    "\n  fragment LayerHistogramFields on LayerHistogram {\n    epoch\n    layer\n    tensor\n    kind\n    low\n    high\n    counts\n    nanCount\n    infCount\n    min\n    max\n    mean\n    std\n    edges\n  }\n": types.LayerHistogramFieldsFragmentDoc,
    "\n  query LayerHistograms($id: ID!, $layer: String, $kind: HistogramKind, $epoch: Int) {\n    trainingRun(id: $id) {\n      id\n      histograms(layer: $layer, kind: $kind, epoch: $epoch) {\n        ...LayerHistogramFields\n      }\n    }\n  }\n": types.LayerHistogramsDocument,
    "\n  mutation CancelTrainingRun($id: ID!) {\n    cancelTrainingRun(id: $id) {\n      ...TrainingRunDetail\n    }\n  }\n": types.CancelTrainingRunDocument,
    "\n  mutation StartTrainingRun($input: StartTrainingRunInput!) {\n    startTrainingRun(input: $input) {\n      ...TrainingRunRow\n    }\n  }\n": types.StartTrainingRunDocument,
    "\n  query TeamCatalog($teamId: ID!) {\n    models(teamId: $teamId, first: 500, filter: { archived: null }) {\n      nodes {\n        id\n        name\n        task\n        archived\n      }\n    }\n    datasets(teamId: $teamId, first: 100, archived: null) {\n      nodes {\n        id\n        name\n        archived\n        versions(first: 100) {\n          nodes {\n            id\n            number\n            status\n            label\n            rows\n            splits {\n              name\n              rows\n            }\n            columns {\n              name\n              type\n              isLabel\n            }\n          }\n        }\n      }\n    }\n  }\n": types.TeamCatalogDocument,
    "\n  query TrainingConfigProfiles($teamId: ID!) {\n    configProfiles(teamId: $teamId, first: 200) {\n      nodes {\n        id\n        name\n        description\n        latestRevisionNumber\n      }\n    }\n  }\n": types.TrainingConfigProfilesDocument,
    "\n  query TrainingConfigRevisions($id: ID!) {\n    configProfile(id: $id) {\n      id\n      latestRevisionNumber\n      revisions(first: 200) {\n        nodes {\n          number\n          comment\n          createdAt\n          document\n        }\n      }\n    }\n  }\n": types.TrainingConfigRevisionsDocument,
    "\n  query ModelVersionChoices($id: ID!) {\n    model(id: $id) {\n      id\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n  }\n": types.ModelVersionChoicesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    subjectName\n    summary\n    summaryParameters\n    correlationId\n  }\n"): (typeof documents)["\n  fragment AuditEntryFields on AuditEntry {\n    position\n    occurredAt\n    actor\n    action\n    subjectType\n    subjectId\n    subjectName\n    summary\n    summaryParameters\n    correlationId\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditLog($filter: AuditLogFilter, $first: Int!, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AuditEntryFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n"): (typeof documents)["\n  subscription AuditEvents($filter: AuditLogFilter, $afterPosition: Int) {\n    events(filter: $filter, afterPosition: $afterPosition) {\n      ...AuditEntryFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SubjectEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectType\n      subjectId\n    }\n  }\n"): (typeof documents)["\n  subscription SubjectEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectType\n      subjectId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConfigProfileRow on ConfigProfile {\n    id\n    teamId\n    name\n    description\n    ownerId\n    archived\n    latestRevisionNumber\n    createdAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment ConfigProfileRow on ConfigProfile {\n    id\n    teamId\n    name\n    description\n    ownerId\n    archived\n    latestRevisionNumber\n    createdAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigProfiles($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    configProfiles(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...ConfigProfileRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigProfiles($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    configProfiles(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...ConfigProfileRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigProfileRow($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n"): (typeof documents)["\n  query ConfigProfileRow($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingConfigSchema {\n    trainingConfigSchema\n  }\n"): (typeof documents)["\n  query TrainingConfigSchema {\n    trainingConfigSchema\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConfigRevisionFields on ConfigRevision {\n    profileId\n    number\n    document\n    comment\n    createdBy\n    createdAt\n  }\n"): (typeof documents)["\n  fragment ConfigRevisionFields on ConfigRevision {\n    profileId\n    number\n    document\n    comment\n    createdBy\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigProfile($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigProfile($id: ID!) {\n    configProfile(id: $id) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigRevisions($id: ID!, $first: Int!, $after: String) {\n    configProfile(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          ...ConfigRevisionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigRevisions($id: ID!, $first: Int!, $after: String) {\n    configProfile(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          ...ConfigRevisionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConfigDiff($id: ID!, $a: Int!, $b: Int!) {\n    configProfile(id: $id) {\n      id\n      diff(a: $a, b: $b) {\n        path\n        a\n        b\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConfigDiff($id: ID!, $a: Int!, $b: Int!) {\n    configProfile(id: $id) {\n      id\n      diff(a: $a, b: $b) {\n        path\n        a\n        b\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateConfigProfile($input: CreateConfigProfileInput!) {\n    createConfigProfile(input: $input) {\n      ...ConfigProfileRow\n    }\n  }\n"): (typeof documents)["\n  mutation CreateConfigProfile($input: CreateConfigProfileInput!) {\n    createConfigProfile(input: $input) {\n      ...ConfigProfileRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReviseConfigProfile($input: ReviseConfigProfileInput!) {\n    reviseConfigProfile(input: $input) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReviseConfigProfile($input: ReviseConfigProfileInput!) {\n    reviseConfigProfile(input: $input) {\n      ...ConfigProfileRow\n      latestRevision {\n        ...ConfigRevisionFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveConfigProfile($id: ID!) {\n    archiveConfigProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n"): (typeof documents)["\n  mutation ArchiveConfigProfile($id: ID!) {\n    archiveConfigProfile(id: $id) {\n      ...ConfigProfileRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ConfigEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n"): (typeof documents)["\n  subscription ConfigEvents($filter: AuditLogFilter) {\n    events(filter: $filter) {\n      position\n      action\n      subjectId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DatasetRow on Dataset {\n    id\n    teamId\n    name\n    description\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    latestVersion {\n      id\n      number\n      status\n      rows\n    }\n  }\n"): (typeof documents)["\n  fragment DatasetRow on Dataset {\n    id\n    teamId\n    name\n    description\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    latestVersion {\n      id\n      number\n      status\n      rows\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Datasets($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    datasets(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...DatasetRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Datasets($teamId: ID!, $nameContains: String, $archived: Boolean, $first: Int!, $after: String) {\n    datasets(teamId: $teamId, nameContains: $nameContains, archived: $archived, first: $first, after: $after) {\n      nodes {\n        ...DatasetRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DatasetVersionRow on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    label\n    size\n    sha256\n    format\n    filename\n    parentId\n    parentNumber\n    duplicateOfId\n    failureReason\n    missingCells\n    createdBy\n    createdAt\n    updatedAt\n    downloadPath\n    profilingProgress {\n      rowsDone\n      rowsTotal\n    }\n    columns {\n      name\n      type\n      isLabel\n    }\n    splits {\n      name\n      rows\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n"): (typeof documents)["\n  fragment DatasetVersionRow on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    label\n    size\n    sha256\n    format\n    filename\n    parentId\n    parentNumber\n    duplicateOfId\n    failureReason\n    missingCells\n    createdBy\n    createdAt\n    updatedAt\n    downloadPath\n    profilingProgress {\n      rowsDone\n      rowsTotal\n    }\n    columns {\n      name\n      type\n      isLabel\n    }\n    splits {\n      name\n      rows\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      dataset {\n        ...DatasetRow\n      }\n      version {\n        ...DatasetVersionRow\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DatasetUpdated($id: ID!) {\n    datasetUpdated(id: $id) {\n      dataset {\n        ...DatasetRow\n      }\n      version {\n        ...DatasetVersionRow\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetRow($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n"): (typeof documents)["\n  query DatasetRow($id: ID!) {\n    dataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      ...DatasetRow\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) {\n      ...DatasetRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ArchiveDataset($id: ID!) {\n    archiveDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n"): (typeof documents)["\n  mutation ArchiveDataset($id: ID!) {\n    archiveDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RestoreDataset($id: ID!) {\n    restoreDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n"): (typeof documents)["\n  mutation RestoreDataset($id: ID!) {\n    restoreDataset(id: $id) {\n      ...DatasetRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dataset($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      ...DatasetRow\n      versions(first: $first, after: $after) {\n        nodes {\n          ...DatasetVersionRow\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Dataset($id: ID!, $first: Int!, $after: String) {\n    dataset(id: $id) {\n      ...DatasetRow\n      versions(first: $first, after: $after) {\n        nodes {\n          ...DatasetVersionRow\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missing\n    distinct\n    distinctExact\n    min\n    max\n    mean\n    std\n    quantiles {\n      q\n      value\n    }\n    quantilesExact\n    histogram {\n      edges\n      counts\n    }\n    topValues {\n      value\n      count\n    }\n    topValuesExact\n  }\n"): (typeof documents)["\n  fragment ColumnProfileFields on ColumnProfile {\n    name\n    type\n    missing\n    distinct\n    distinctExact\n    min\n    max\n    mean\n    std\n    quantiles {\n      q\n      value\n    }\n    quantilesExact\n    histogram {\n      edges\n      counts\n    }\n    topValues {\n      value\n      count\n    }\n    topValuesExact\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetVersion($id: ID!) {\n    datasetVersion(id: $id) {\n      ...DatasetVersionRow\n      delimiter\n      dataset {\n        id\n        name\n        archived\n      }\n      operations {\n        op\n        description\n        parameters\n        fitted\n      }\n      profile {\n        rows\n        columns {\n          ...ColumnProfileFields\n        }\n        label {\n          column\n          distribution {\n            value\n            count\n          }\n        }\n        splits {\n          name\n          rows\n          label {\n            column\n            distribution {\n              value\n              count\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DatasetVersion($id: ID!) {\n    datasetVersion(id: $id) {\n      ...DatasetVersionRow\n      delimiter\n      dataset {\n        id\n        name\n        archived\n      }\n      operations {\n        op\n        description\n        parameters\n        fitted\n      }\n      profile {\n        rows\n        columns {\n          ...ColumnProfileFields\n        }\n        label {\n          column\n          distribution {\n            value\n            count\n          }\n        }\n        splits {\n          name\n          rows\n          label {\n            column\n            distribution {\n              value\n              count\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetPreview($id: ID!, $offset: Int!, $limit: Int!, $columns: [String!]) {\n    datasetVersion(id: $id) {\n      id\n      preview(offset: $offset, limit: $limit, columns: $columns) {\n        columns {\n          name\n          type\n          isLabel\n        }\n        rows\n        offset\n        total\n      }\n    }\n  }\n"): (typeof documents)["\n  query DatasetPreview($id: ID!, $offset: Int!, $limit: Int!, $columns: [String!]) {\n    datasetVersion(id: $id) {\n      id\n      preview(offset: $offset, limit: $limit, columns: $columns) {\n        columns {\n          name\n          type\n          isLabel\n        }\n        rows\n        offset\n        total\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LineageVersion on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    parentId\n    createdAt\n    dataset {\n      id\n      name\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n"): (typeof documents)["\n  fragment LineageVersion on DatasetVersion {\n    id\n    datasetId\n    number\n    source\n    status\n    rows\n    parentId\n    createdAt\n    dataset {\n      id\n      name\n    }\n    operations {\n      op\n      description\n      parameters\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetLineage($id: ID!) {\n    datasetVersion(id: $id) {\n      ...LineageVersion\n      lineage {\n        ancestors {\n          ...LineageVersion\n        }\n        children {\n          ...LineageVersion\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DatasetLineage($id: ID!) {\n    datasetVersion(id: $id) {\n      ...LineageVersion\n      lineage {\n        ancestors {\n          ...LineageVersion\n        }\n        children {\n          ...LineageVersion\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeriveDatasetVersion($input: DeriveDatasetVersionInput!) {\n    deriveDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n"): (typeof documents)["\n  mutation DeriveDatasetVersion($input: DeriveDatasetVersionInput!) {\n    deriveDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UploadDatasetVersion($input: UploadDatasetVersionInput!) {\n    uploadDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n"): (typeof documents)["\n  mutation UploadDatasetVersion($input: UploadDatasetVersionInput!) {\n    uploadDatasetVersion(input: $input) {\n      ...DatasetVersionRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ProfileDatasetVersion($id: ID!) {\n    profileDatasetVersion(id: $id) {\n      ...DatasetVersionRow\n    }\n  }\n"): (typeof documents)["\n  mutation ProfileDatasetVersion($id: ID!) {\n    profileDatasetVersion(id: $id) {\n      ...DatasetVersionRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeploymentConfigFields on DeploymentConfig {\n    traffic {\n      version\n      versionId\n      percent\n    }\n    scaling {\n      minReplicas\n      maxReplicas\n      targetOngoingRequests\n    }\n    cpusPerReplica\n    batching {\n      maxBatchSize\n      batchWaitMs\n    }\n    requestLogSample\n    languages {\n      language\n      version\n    }\n  }\n"): (typeof documents)["\n  fragment DeploymentConfigFields on DeploymentConfig {\n    traffic {\n      version\n      versionId\n      percent\n    }\n    scaling {\n      minReplicas\n      maxReplicas\n      targetOngoingRequests\n    }\n    cpusPerReplica\n    batching {\n      maxBatchSize\n      batchWaitMs\n    }\n    requestLogSample\n    languages {\n      language\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DeploymentFields on Deployment {\n    id\n    teamId\n    modelId\n    name\n    status\n    revision\n    activeRevision\n    replicas\n    healthReason\n    createdBy\n    createdAt\n    updatedAt\n    endpoint\n    config {\n      ...DeploymentConfigFields\n    }\n    activeConfig {\n      ...DeploymentConfigFields\n    }\n  }\n"): (typeof documents)["\n  fragment DeploymentFields on Deployment {\n    id\n    teamId\n    modelId\n    name\n    status\n    revision\n    activeRevision\n    replicas\n    healthReason\n    createdBy\n    createdAt\n    updatedAt\n    endpoint\n    config {\n      ...DeploymentConfigFields\n    }\n    activeConfig {\n      ...DeploymentConfigFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deployments($teamId: ID!, $status: [DeploymentStatus!], $first: Int!, $after: String) {\n    deployments(teamId: $teamId, status: $status, first: $first, after: $after) {\n      nodes {\n        ...DeploymentFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Deployments($teamId: ID!, $status: [DeploymentStatus!], $first: Int!, $after: String) {\n    deployments(teamId: $teamId, status: $status, first: $first, after: $after) {\n      nodes {\n        ...DeploymentFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DeploymentUpdated($id: ID!) {\n    deploymentUpdated(id: $id) {\n      deployment {\n        ...DeploymentFields\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription DeploymentUpdated($id: ID!) {\n    deploymentUpdated(id: $id) {\n      deployment {\n        ...DeploymentFields\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Deployment($id: ID!) {\n    deployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  query Deployment($id: ID!) {\n    deployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HealthPointFields on HealthPoint {\n    start\n    end\n    requests\n    requestsPerSecond\n    errorRate\n    clientErrorRate\n    latencyP50Ms\n    latencyP95Ms\n    latencyP99Ms\n  }\n"): (typeof documents)["\n  fragment HealthPointFields on HealthPoint {\n    start\n    end\n    requests\n    requestsPerSecond\n    errorRate\n    clientErrorRate\n    latencyP50Ms\n    latencyP95Ms\n    latencyP99Ms\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeploymentHealth($id: ID!, $since: DateTime, $stepSeconds: Int!) {\n    deploymentHealth(id: $id, since: $since, stepSeconds: $stepSeconds) {\n      windowSeconds\n      signals {\n        signal\n        value\n        unit\n      }\n      series {\n        ...HealthPointFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeploymentHealth($id: ID!, $since: DateTime, $stepSeconds: Int!) {\n    deploymentHealth(id: $id, since: $since, stepSeconds: $stepSeconds) {\n      windowSeconds\n      signals {\n        signal\n        value\n        unit\n      }\n      series {\n        ...HealthPointFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeploymentCallers($id: ID!, $since: DateTime) {\n    deployment(id: $id) {\n      id\n      callers(since: $since) {\n        ...CallerFields\n        requests\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeploymentCallers($id: ID!, $since: DateTime) {\n    deployment(id: $id) {\n      id\n      callers(since: $since) {\n        ...CallerFields\n        requests\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CallerFields on Caller {\n    caller\n    username\n    token {\n      id\n      name\n      prefix\n    }\n  }\n"): (typeof documents)["\n  fragment CallerFields on Caller {\n    caller\n    username\n    token {\n      id\n      name\n      prefix\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RequestLogEntryFields on RequestLogEntry {\n    entryId\n    loggedAt\n    version\n    ...CallerFields\n    rows\n    latencyMs\n    inputs\n    outputs\n  }\n"): (typeof documents)["\n  fragment RequestLogEntryFields on RequestLogEntry {\n    entryId\n    loggedAt\n    version\n    ...CallerFields\n    rows\n    latencyMs\n    inputs\n    outputs\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeploymentRequestLog($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      requestLog(first: $first, after: $after) {\n        nodes {\n          ...RequestLogEntryFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeploymentRequestLog($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      requestLog(first: $first, after: $after) {\n        nodes {\n          ...RequestLogEntryFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RequestLogAppended($deploymentId: ID!, $after: Int) {\n    requestLogAppended(deploymentId: $deploymentId, after: $after) {\n      deploymentId\n      hasGap\n      entries {\n        ...RequestLogEntryFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RequestLogAppended($deploymentId: ID!, $after: Int) {\n    requestLogAppended(deploymentId: $deploymentId, after: $after) {\n      deploymentId\n      hasGap\n      entries {\n        ...RequestLogEntryFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeploymentRevisions($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          revision\n          action\n          restoredRevision\n          createdBy\n          createdAt\n          activatedAt\n          config {\n            ...DeploymentConfigFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeploymentRevisions($id: ID!, $first: Int!, $after: String) {\n    deployment(id: $id) {\n      id\n      revisions(first: $first, after: $after) {\n        nodes {\n          revision\n          action\n          restoredRevision\n          createdBy\n          createdAt\n          activatedAt\n          config {\n            ...DeploymentConfigFields\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersionNumbers($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersionNumbers($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateDeployment($id: ID!, $input: UpdateDeploymentInput!) {\n    updateDeployment(id: $id, input: $input) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateDeployment($id: ID!, $input: UpdateDeploymentInput!) {\n    updateDeployment(id: $id, input: $input) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackDeployment($id: ID!) {\n    rollbackDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  mutation RollbackDeployment($id: ID!) {\n    rollbackDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopDeployment($id: ID!) {\n    stopDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  mutation StopDeployment($id: ID!) {\n    stopDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartDeployment($id: ID!) {\n    startDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  mutation StartDeployment($id: ID!) {\n    startDeployment(id: $id) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Predict($input: PredictInput!) {\n    predict(input: $input) {\n      predictions\n      outputs\n      version\n      rows\n    }\n  }\n"): (typeof documents)["\n  mutation Predict($input: PredictInput!) {\n    predict(input: $input) {\n      predictions\n      outputs\n      version\n      rows\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeployModelChoices($teamId: ID!, $first: Int!) {\n    models(teamId: $teamId, first: $first) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeployModelChoices($teamId: ID!, $first: Int!) {\n    models(teamId: $teamId, first: $first) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DeployModelVersions($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      aliases {\n        alias\n        versionNumber\n      }\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query DeployModelVersions($id: ID!, $first: Int!) {\n    model(id: $id) {\n      id\n      name\n      aliases {\n        alias\n        versionNumber\n      }\n      versions(first: $first) {\n        nodes {\n          id\n          number\n          status\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      ...DeploymentFields\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDeployment($input: CreateDeploymentInput!) {\n    createDeployment(input: $input) {\n      ...DeploymentFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EvaluationRow on Evaluation {\n    id\n    teamId\n    modelId\n    modelVersionId\n    modelVersionNumber\n    datasetId\n    datasetVersionId\n    split\n    label\n    task\n    status\n    rows\n    failureReason\n    createdBy\n    createdAt\n    updatedAt\n    summary {\n      name\n      value\n    }\n  }\n"): (typeof documents)["\n  fragment EvaluationRow on Evaluation {\n    id\n    teamId\n    modelId\n    modelVersionId\n    modelVersionNumber\n    datasetId\n    datasetVersionId\n    split\n    label\n    task\n    status\n    rows\n    failureReason\n    createdBy\n    createdAt\n    updatedAt\n    summary {\n      name\n      value\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Evaluations($teamId: ID, $filter: EvaluationFilter, $first: Int!, $after: String) {\n    evaluations(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...EvaluationRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Evaluations($teamId: ID, $filter: EvaluationFilter, $first: Int!, $after: String) {\n    evaluations(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...EvaluationRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EvaluationRow($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationRow\n    }\n  }\n"): (typeof documents)["\n  query EvaluationRow($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EvaluationRowUpdated($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription EvaluationRowUpdated($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EvaluationReport on Evaluation {\n    ...EvaluationRow\n    features\n    classes\n    notes\n    metrics\n    curves\n    slices\n    thresholds\n    attributions\n  }\n"): (typeof documents)["\n  fragment EvaluationReport on Evaluation {\n    ...EvaluationRow\n    features\n    classes\n    notes\n    metrics\n    curves\n    slices\n    thresholds\n    attributions\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Evaluation($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationReport\n    }\n  }\n"): (typeof documents)["\n  query Evaluation($id: ID!) {\n    evaluation(id: $id) {\n      ...EvaluationReport\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription EvaluationLive($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationReport\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription EvaluationLive($id: ID!) {\n    evaluationUpdated(id: $id) {\n      evaluation {\n        ...EvaluationReport\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ThresholdMetrics($id: ID!, $threshold: Float!) {\n    evaluation(id: $id) {\n      id\n      thresholdMetrics(threshold: $threshold) {\n        threshold\n        tp\n        fp\n        tn\n        fn\n        precision\n        recall\n        f1\n        accuracy\n        falsePositiveRate\n      }\n    }\n  }\n"): (typeof documents)["\n  query ThresholdMetrics($id: ID!, $threshold: Float!) {\n    evaluation(id: $id) {\n      id\n      thresholdMetrics(threshold: $threshold) {\n        threshold\n        tp\n        fp\n        tn\n        fn\n        precision\n        recall\n        f1\n        accuracy\n        falsePositiveRate\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EvaluateModelVersion($input: EvaluateModelVersionInput!) {\n    evaluateModelVersion(input: $input) {\n      ...EvaluationRow\n    }\n  }\n"): (typeof documents)["\n  mutation EvaluateModelVersion($input: EvaluateModelVersionInput!) {\n    evaluateModelVersion(input: $input) {\n      ...EvaluationRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareEvaluations($ids: [ID!]!) {\n    compareEvaluations(ids: $ids) {\n      task\n      sameData\n      differentClasses\n      data {\n        evaluationId\n        modelName\n        modelVersionNumber\n        datasetName\n        datasetVersionNumber\n        split\n        label\n      }\n      evaluations {\n        ...EvaluationRow\n      }\n      metrics {\n        name\n        values\n        higherIsBetter\n        bestEvaluationIds\n      }\n      curves {\n        evaluationId\n        roc {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        pr {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        residuals {\n          low\n          high\n          counts\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CompareEvaluations($ids: [ID!]!) {\n    compareEvaluations(ids: $ids) {\n      task\n      sameData\n      differentClasses\n      data {\n        evaluationId\n        modelName\n        modelVersionNumber\n        datasetName\n        datasetVersionNumber\n        split\n        label\n      }\n      evaluations {\n        ...EvaluationRow\n      }\n      metrics {\n        name\n        values\n        higherIsBetter\n        bestEvaluationIds\n      }\n      curves {\n        evaluationId\n        roc {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        pr {\n          className\n          area\n          points {\n            x\n            y\n            threshold\n          }\n        }\n        residuals {\n          low\n          high\n          counts\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TensorSpecFields on TensorSpec {\n    name\n    shape\n    dtype\n  }\n"): (typeof documents)["\n  fragment TensorSpecFields on TensorSpec {\n    name\n    shape\n    dtype\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionInside($modelId: ID!, $versionId: ID!) {\n    model(id: $modelId) {\n      id\n      name\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n    modelVersion(id: $versionId) {\n      id\n      modelId\n      number\n      format\n      status\n      statusReason\n      failureReason\n      filename\n      createdAt\n      lineage {\n        key\n        value\n      }\n      signature {\n        inputs {\n          ...TensorSpecFields\n        }\n        outputs {\n          ...TensorSpecFields\n        }\n      }\n      inspection {\n        modelClass\n        trainableParameters\n        nonTrainableParameters\n        layers {\n          name\n          className\n          outputShape\n          parameters\n          trainable\n          trainableParameters\n        }\n        edges {\n          source\n          target\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query VersionInside($modelId: ID!, $versionId: ID!) {\n    model(id: $modelId) {\n      id\n      name\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n    modelVersion(id: $versionId) {\n      id\n      modelId\n      number\n      format\n      status\n      statusReason\n      failureReason\n      filename\n      createdAt\n      lineage {\n        key\n        value\n      }\n      signature {\n        inputs {\n          ...TensorSpecFields\n        }\n        outputs {\n          ...TensorSpecFields\n        }\n      }\n      inspection {\n        modelClass\n        trainableParameters\n        nonTrainableParameters\n        layers {\n          name\n          className\n          outputShape\n          parameters\n          trainable\n          trainableParameters\n        }\n        edges {\n          source\n          target\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WeightStatisticsFields on WeightStatistics {\n    name\n    shape\n    count\n    nanCount\n    infCount\n    mean\n    std\n    min\n    max\n    histogram {\n      edges\n      counts\n    }\n  }\n"): (typeof documents)["\n  fragment WeightStatisticsFields on WeightStatistics {\n    name\n    shape\n    count\n    nanCount\n    infCount\n    mean\n    std\n    min\n    max\n    histogram {\n      edges\n      counts\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionWeights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      number\n      inspection {\n        layers {\n          name\n        }\n        weights {\n          ...WeightStatisticsFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query VersionWeights($id: ID!) {\n    modelVersion(id: $id) {\n      id\n      number\n      inspection {\n        layers {\n          name\n        }\n        weights {\n          ...WeightStatisticsFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription VersionModelChanged($id: ID!) {\n    modelUpdated(id: $id) {\n      change {\n        position\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription VersionModelChanged($id: ID!) {\n    modelUpdated(id: $id) {\n      change {\n        position\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AlertFields on Alert {\n    id\n    incident\n    teamId\n    ruleId\n    ruleName\n    signal\n    feature\n    comparator\n    threshold\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    state\n    value\n    firstValue\n    message\n    startedAt\n    firedAt\n    endedAt\n    acknowledgedBy\n    acknowledgedByUsername\n    acknowledgedAt\n    acknowledgeNote\n    silencedUntil\n    silenceReason\n  }\n"): (typeof documents)["\n  fragment AlertFields on Alert {\n    id\n    incident\n    teamId\n    ruleId\n    ruleName\n    signal\n    feature\n    comparator\n    threshold\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    state\n    value\n    firstValue\n    message\n    startedAt\n    firedAt\n    endedAt\n    acknowledgedBy\n    acknowledgedByUsername\n    acknowledgedAt\n    acknowledgeNote\n    silencedUntil\n    silenceReason\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MonitoringWall($teamId: ID!) {\n    monitoringWall(teamId: $teamId) {\n      teamId\n      at\n      changed\n      deployments {\n        deployment {\n          id\n          name\n          status\n          revision\n          healthReason\n          config {\n            traffic {\n              version\n              percent\n            }\n          }\n        }\n        requestsPerSecond\n        errorRate\n        latencyP99Ms\n        featureDriftPsi\n        predictionDriftPsi\n        openAlerts\n        worstSeverity\n      }\n      alerts {\n        ...AlertFields\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MonitoringWall($teamId: ID!) {\n    monitoringWall(teamId: $teamId) {\n      teamId\n      at\n      changed\n      deployments {\n        deployment {\n          id\n          name\n          status\n          revision\n          healthReason\n          config {\n            traffic {\n              version\n              percent\n            }\n          }\n        }\n        requestsPerSecond\n        errorRate\n        latencyP99Ms\n        featureDriftPsi\n        predictionDriftPsi\n        openAlerts\n        worstSeverity\n      }\n      alerts {\n        ...AlertFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Alerts($filter: AlertFilter, $first: Int!, $after: String) {\n    alerts(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AlertFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Alerts($filter: AlertFilter, $first: Int!, $after: String) {\n    alerts(filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...AlertFields\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AlertUpdated($teamId: ID) {\n    alertUpdated(teamId: $teamId) {\n      alert {\n        ...AlertFields\n      }\n      change {\n        position\n        action\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription AlertUpdated($teamId: ID) {\n    alertUpdated(teamId: $teamId) {\n      alert {\n        ...AlertFields\n      }\n      change {\n        position\n        action\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcknowledgeAlert($id: ID!, $note: String) {\n    acknowledgeAlert(id: $id, note: $note) {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  mutation AcknowledgeAlert($id: ID!, $note: String) {\n    acknowledgeAlert(id: $id, note: $note) {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SilenceAlert($id: ID!, $until: DateTime!, $reason: String) {\n    silenceAlert(id: $id, until: $until, reason: $reason) {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  mutation SilenceAlert($id: ID!, $until: DateTime!, $reason: String) {\n    silenceAlert(id: $id, until: $until, reason: $reason) {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnsilenceAlert($id: ID!) {\n    unsilenceAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n"): (typeof documents)["\n  mutation UnsilenceAlert($id: ID!) {\n    unsilenceAlert(id: $id) {\n      ...AlertFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AlertRules($teamId: ID!, $first: Int!, $after: String) {\n    alertRules(teamId: $teamId, first: $first, after: $after) {\n      nodes {\n        id\n        name\n        signal\n        feature\n        comparator\n        threshold\n        windowSeconds\n        forSeconds\n        severity\n        targetKind\n        targetId\n        targetName\n        channelIds\n        enabled\n        createdBy\n        updatedAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query AlertRules($teamId: ID!, $first: Int!, $after: String) {\n    alertRules(teamId: $teamId, first: $first, after: $after) {\n      nodes {\n        id\n        name\n        signal\n        feature\n        comparator\n        threshold\n        windowSeconds\n        forSeconds\n        severity\n        targetKind\n        targetId\n        targetName\n        channelIds\n        enabled\n        createdBy\n        updatedAt\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NotificationFields on Notification {\n    position\n    alertId\n    incident\n    kind\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    message\n    value\n    createdAt\n    read\n    alert {\n      ruleName\n      signal\n      feature\n      comparator\n      threshold\n    }\n  }\n"): (typeof documents)["\n  fragment NotificationFields on Notification {\n    position\n    alertId\n    incident\n    kind\n    severity\n    subjectKind\n    subjectId\n    subjectName\n    message\n    value\n    createdAt\n    read\n    alert {\n      ruleName\n      signal\n      feature\n      comparator\n      threshold\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Notifications($teamId: ID!, $first: Int!) {\n    notifications(teamId: $teamId, first: $first) {\n      unread\n      notifications {\n        nodes {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Notifications($teamId: ID!, $first: Int!) {\n    notifications(teamId: $teamId, first: $first) {\n      unread\n      notifications {\n        nodes {\n          ...NotificationFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotificationAdded($teamId: ID!) {\n    notificationAdded(teamId: $teamId) {\n      ...NotificationFields\n    }\n  }\n"): (typeof documents)["\n  subscription NotificationAdded($teamId: ID!) {\n    notificationAdded(teamId: $teamId) {\n      ...NotificationFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($teamId: ID!, $upTo: Int!) {\n    markNotificationsRead(teamId: $teamId, upTo: $upTo)\n  }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($teamId: ID!, $upTo: Int!) {\n    markNotificationsRead(teamId: $teamId, upTo: $upTo)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n"): (typeof documents)["\n  fragment ModelRow on Model {\n    id\n    name\n    description\n    task\n    archived\n    versionCount\n    ownerId\n    createdAt\n    updatedAt\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Models($teamId: ID!, $filter: ModelSearch, $orderBy: ModelOrder!, $descending: Boolean!, $first: Int!, $after: String) {\n    models(teamId: $teamId, filter: $filter, orderBy: $orderBy, descending: $descending, first: $first, after: $after) {\n      nodes {\n        ...ModelRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ModelRowUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelRow($id: ID!) {\n    model(id: $id) {\n      ...ModelRow\n    }\n  }\n"): (typeof documents)["\n  query ModelRow($id: ID!) {\n    model(id: $id) {\n      ...ModelRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n"): (typeof documents)["\n  fragment ModelDetail on Model {\n    id\n    teamId\n    name\n    description\n    task\n    ownerId\n    archived\n    protectedAliases\n    versionCount\n    retentionDays\n    createdAt\n    updatedAt\n    asOf\n    tags {\n      key\n      value\n    }\n    aliases {\n      alias\n      versionNumber\n      movedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n"): (typeof documents)["\n  query Model($id: ID!, $asOf: DateTime) {\n    model(id: $id, asOf: $asOf) {\n      ...ModelDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ModelUpdated($id: ID!) {\n    modelUpdated(id: $id) {\n      model {\n        ...ModelDetail\n      }\n      change {\n        position\n        action\n        summary\n        occurredAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n    lineage {\n      key\n      value\n    }\n  }\n"): (typeof documents)["\n  fragment ModelVersionFields on ModelVersion {\n    id\n    number\n    status\n    statusReason\n    failureReason\n    size\n    format\n    filename\n    source\n    sha256\n    trainableParameters\n    nonTrainableParameters\n    layerCount\n    createdBy\n    createdAt\n    downloadPath\n    lineage {\n      key\n      value\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersions($id: ID!, $asOf: DateTime, $first: Int!, $after: String) {\n    model(id: $id, asOf: $asOf) {\n      id\n      versions(first: $first, after: $after) {\n        nodes {\n          ...ModelVersionFields\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"): (typeof documents)["\n  mutation MoveAlias($input: MoveAliasInput!) {\n    moveAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveAlias($input: RemoveAliasInput!) {\n    removeAlias(input: $input) {\n      ...ModelDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CompareModelVersions($a: ID!, $b: ID!) {\n    compareModelVersions(a: $a, b: $b) {\n      sameBytes\n      sizeDelta\n      parameterDelta\n      signatureChanged\n      layersAdded\n      layersRemoved\n      a {\n        id\n        number\n      }\n      b {\n        id\n        number\n      }\n      changes {\n        field\n        a\n        b\n      }\n      layersChanged {\n        field\n        a\n        b\n      }\n      evaluation {\n        split\n        label\n        metrics {\n          name\n          a\n          b\n          difference\n          better\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelHistory($id: ID!, $first: Int!, $after: String) {\n    modelHistory(id: $id, first: $first, after: $after) {\n      nodes {\n        position\n        occurredAt\n        actor\n        action\n        model {\n          id\n          versionCount\n          archived\n          aliases {\n            alias\n            versionNumber\n          }\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelRunNames($teamId: ID!, $modelId: ID!, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: { modelId: $modelId }, first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelRunNames($teamId: ID!, $modelId: ID!, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: { modelId: $modelId }, first: $first, after: $after) {\n      nodes {\n        id\n        name\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      ...ViewerFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n"): (typeof documents)["\n  fragment ViewerFields on Viewer {\n    authenticatedBy\n    csrfToken\n    user {\n      id\n      username\n      displayName\n      isAdmin\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      expiresAt\n      viewer {\n        ...ViewerFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n        modelCount\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Teams($first: Int!, $after: String) {\n    teams(first: $first, after: $after) {\n      nodes {\n        id\n        name\n        modelCount\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n"): (typeof documents)["\n  query Team($id: ID!) {\n    team(id: $id) {\n      id\n      name\n      description\n      viewerRole\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamMembers($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      members(first: $first, after: $after) {\n        nodes {\n          teamId\n          userId\n          role\n          addedAt\n          user {\n            id\n            username\n            displayName\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamTokens($id: ID!, $first: Int!, $after: String) {\n    team(id: $id) {\n      id\n      apiTokens(first: $first, after: $after) {\n        nodes {\n          id\n          name\n          prefix\n          scopes\n          createdAt\n          expiresAt\n          revokedAt\n          user {\n            id\n            username\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query Users($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      nodes {\n        id\n        username\n        displayName\n        erased\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"): (typeof documents)["\n  mutation AddMember($input: MemberInput!) {\n    addMember(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeMemberRole($input: MemberInput!) {\n    changeMemberRole(input: $input) {\n      teamId\n      userId\n      role\n      addedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveMember($input: RemoveMemberInput!) {\n    removeMember(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      secret\n      token {\n        id\n        name\n        prefix\n        scopes\n        createdAt\n        expiresAt\n        revokedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TrainingRunRow on TrainingRun {\n    id\n    teamId\n    name\n    source\n    status\n    ownerId\n    modelId\n    datasetId\n    datasetVersionId\n    configProfileId\n    configRevision\n    label\n    epochsDone\n    epochsPlanned\n    attempt\n    restarts\n    cancelRequested\n    etaSeconds\n    modelVersionId\n    modelVersionNumber\n    createdAt\n    startedAt\n    finishedAt\n    updatedAt\n  }\n"): (typeof documents)["\n  fragment TrainingRunRow on TrainingRun {\n    id\n    teamId\n    name\n    source\n    status\n    ownerId\n    modelId\n    datasetId\n    datasetVersionId\n    configProfileId\n    configRevision\n    label\n    epochsDone\n    epochsPlanned\n    attempt\n    restarts\n    cancelRequested\n    etaSeconds\n    modelVersionId\n    modelVersionNumber\n    createdAt\n    startedAt\n    finishedAt\n    updatedAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingRuns($teamId: ID!, $filter: TrainingRunFilter, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...TrainingRunRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingRuns($teamId: ID!, $filter: TrainingRunFilter, $first: Int!, $after: String) {\n    trainingRuns(teamId: $teamId, filter: $filter, first: $first, after: $after) {\n      nodes {\n        ...TrainingRunRow\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingRunRow($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunRow\n    }\n  }\n"): (typeof documents)["\n  query TrainingRunRow($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TrainingRunRowUpdated($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription TrainingRunRowUpdated($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MetricValueFields on MetricValue {\n    name\n    value\n    nonFinite\n  }\n"): (typeof documents)["\n  fragment MetricValueFields on MetricValue {\n    name\n    value\n    nonFinite\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TrainingEpochFields on TrainingEpoch {\n    epoch\n    attempt\n    step\n    learningRate\n    durationSeconds\n    etaSeconds\n    recordedAt\n    metrics {\n      ...MetricValueFields\n    }\n  }\n"): (typeof documents)["\n  fragment TrainingEpochFields on TrainingEpoch {\n    epoch\n    attempt\n    step\n    learningRate\n    durationSeconds\n    etaSeconds\n    recordedAt\n    metrics {\n      ...MetricValueFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TrainingRunDetail on TrainingRun {\n    ...TrainingRunRow\n    template\n    baseModelVersionId\n    features\n    classes\n    workers\n    step\n    learningRate\n    checkpointEpoch\n    restartReason\n    failureReason\n    stoppedEarly\n    bestEpoch\n    registrationError\n    config\n    dataSummary\n    metricNames\n    latestMetrics {\n      ...MetricValueFields\n    }\n    finalMetrics {\n      ...MetricValueFields\n    }\n  }\n"): (typeof documents)["\n  fragment TrainingRunDetail on TrainingRun {\n    ...TrainingRunRow\n    template\n    baseModelVersionId\n    features\n    classes\n    workers\n    step\n    learningRate\n    checkpointEpoch\n    restartReason\n    failureReason\n    stoppedEarly\n    bestEpoch\n    registrationError\n    config\n    dataSummary\n    metricNames\n    latestMetrics {\n      ...MetricValueFields\n    }\n    finalMetrics {\n      ...MetricValueFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingRun($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunDetail\n      epochs {\n        ...TrainingEpochFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingRun($id: ID!) {\n    trainingRun(id: $id) {\n      ...TrainingRunDetail\n      epochs {\n        ...TrainingEpochFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TrainingRunLive($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunDetail\n      }\n      epoch {\n        ...TrainingEpochFields\n      }\n      points {\n        name\n        step\n        epoch\n        value\n        nonFinite\n        wallTime\n      }\n      change {\n        position\n        action\n        occurredAt\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription TrainingRunLive($id: ID!) {\n    trainingRunUpdated(id: $id) {\n      run {\n        ...TrainingRunDetail\n      }\n      epoch {\n        ...TrainingEpochFields\n      }\n      points {\n        name\n        step\n        epoch\n        value\n        nonFinite\n        wallTime\n      }\n      change {\n        position\n        action\n        occurredAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingRunMetrics($id: ID!, $names: [String!], $maxPoints: Int!) {\n    trainingRun(id: $id) {\n      id\n      metrics(names: $names, maxPoints: $maxPoints) {\n        name\n        totalPoints\n        downsampled\n        points {\n          step\n          epoch\n          value\n          nonFinite\n          wallTime\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingRunMetrics($id: ID!, $names: [String!], $maxPoints: Int!) {\n    trainingRun(id: $id) {\n      id\n      metrics(names: $names, maxPoints: $maxPoints) {\n        name\n        totalPoints\n        downsampled\n        points {\n          step\n          epoch\n          value\n          nonFinite\n          wallTime\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HistogramTensors($id: ID!) {\n    trainingRun(id: $id) {\n      id\n      histogramTensors {\n        layer\n        tensor\n        kind\n      }\n    }\n  }\n"): (typeof documents)["\n  query HistogramTensors($id: ID!) {\n    trainingRun(id: $id) {\n      id\n      histogramTensors {\n        layer\n        tensor\n        kind\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LayerHistogramFields on LayerHistogram {\n    epoch\n    layer\n    tensor\n    kind\n    low\n    high\n    counts\n    nanCount\n    infCount\n    min\n    max\n    mean\n    std\n    edges\n  }\n"): (typeof documents)["\n  fragment LayerHistogramFields on LayerHistogram {\n    epoch\n    layer\n    tensor\n    kind\n    low\n    high\n    counts\n    nanCount\n    infCount\n    min\n    max\n    mean\n    std\n    edges\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LayerHistograms($id: ID!, $layer: String, $kind: HistogramKind, $epoch: Int) {\n    trainingRun(id: $id) {\n      id\n      histograms(layer: $layer, kind: $kind, epoch: $epoch) {\n        ...LayerHistogramFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query LayerHistograms($id: ID!, $layer: String, $kind: HistogramKind, $epoch: Int) {\n    trainingRun(id: $id) {\n      id\n      histograms(layer: $layer, kind: $kind, epoch: $epoch) {\n        ...LayerHistogramFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTrainingRun($id: ID!) {\n    cancelTrainingRun(id: $id) {\n      ...TrainingRunDetail\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTrainingRun($id: ID!) {\n    cancelTrainingRun(id: $id) {\n      ...TrainingRunDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTrainingRun($input: StartTrainingRunInput!) {\n    startTrainingRun(input: $input) {\n      ...TrainingRunRow\n    }\n  }\n"): (typeof documents)["\n  mutation StartTrainingRun($input: StartTrainingRunInput!) {\n    startTrainingRun(input: $input) {\n      ...TrainingRunRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamCatalog($teamId: ID!) {\n    models(teamId: $teamId, first: 500, filter: { archived: null }) {\n      nodes {\n        id\n        name\n        task\n        archived\n      }\n    }\n    datasets(teamId: $teamId, first: 100, archived: null) {\n      nodes {\n        id\n        name\n        archived\n        versions(first: 100) {\n          nodes {\n            id\n            number\n            status\n            label\n            rows\n            splits {\n              name\n              rows\n            }\n            columns {\n              name\n              type\n              isLabel\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamCatalog($teamId: ID!) {\n    models(teamId: $teamId, first: 500, filter: { archived: null }) {\n      nodes {\n        id\n        name\n        task\n        archived\n      }\n    }\n    datasets(teamId: $teamId, first: 100, archived: null) {\n      nodes {\n        id\n        name\n        archived\n        versions(first: 100) {\n          nodes {\n            id\n            number\n            status\n            label\n            rows\n            splits {\n              name\n              rows\n            }\n            columns {\n              name\n              type\n              isLabel\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingConfigProfiles($teamId: ID!) {\n    configProfiles(teamId: $teamId, first: 200) {\n      nodes {\n        id\n        name\n        description\n        latestRevisionNumber\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingConfigProfiles($teamId: ID!) {\n    configProfiles(teamId: $teamId, first: 200) {\n      nodes {\n        id\n        name\n        description\n        latestRevisionNumber\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrainingConfigRevisions($id: ID!) {\n    configProfile(id: $id) {\n      id\n      latestRevisionNumber\n      revisions(first: 200) {\n        nodes {\n          number\n          comment\n          createdAt\n          document\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrainingConfigRevisions($id: ID!) {\n    configProfile(id: $id) {\n      id\n      latestRevisionNumber\n      revisions(first: 200) {\n        nodes {\n          number\n          comment\n          createdAt\n          document\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersionChoices($id: ID!) {\n    model(id: $id) {\n      id\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelVersionChoices($id: ID!) {\n    model(id: $id) {\n      id\n      versions(first: 500) {\n        nodes {\n          id\n          number\n          status\n          format\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;