"""The GraphQL schema: every context's queries, mutations and subscriptions, with the request limits."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter
from strawberry.tools import merge_types

from backend.graphql.audit import AuditQuery, AuditSubscription
from backend.graphql.batch_prediction import BatchPredictionMutation, BatchPredictionQuery, BatchPredictionSubscription
from backend.graphql.configs import ConfigsMutation, ConfigsQuery
from backend.graphql.datasets import DatasetsMutation, DatasetsQuery, DatasetsSubscription
from backend.graphql.deployments import DeploymentsMutation, DeploymentsQuery, DeploymentsSubscription
from backend.graphql.evaluation import EvaluationMutation, EvaluationQuery, EvaluationSubscription
from backend.graphql.evaluation_comparison import EvaluationComparisonQuery
from backend.graphql.evaluation_rules import EvaluationRuleMutation, EvaluationRuleQuery, EvaluationRuleSubscription
from backend.graphql.errors import ModelCloudSchema
from backend.graphql.identity import IdentityMutation, IdentityQuery
from backend.graphql.monitoring import MonitoringMutation, MonitoringQuery, MonitoringSubscription
from backend.graphql.registry import RegistryMutation, RegistryQuery, RegistrySubscription
from backend.graphql.tracking import TrackingMutation
from backend.graphql.training import TrainingMutation, TrainingQuery, TrainingSubscription
from backend.graphql.telemetry import OperationTracing
from backend.settings import Settings

Query = merge_types("Query", (IdentityQuery, AuditQuery, RegistryQuery, DatasetsQuery, ConfigsQuery, TrainingQuery, EvaluationQuery, EvaluationRuleQuery, EvaluationComparisonQuery, DeploymentsQuery, BatchPredictionQuery, MonitoringQuery))
Mutation = merge_types("Mutation", (IdentityMutation, RegistryMutation, DatasetsMutation, ConfigsMutation, TrainingMutation, TrackingMutation, EvaluationMutation, EvaluationRuleMutation, DeploymentsMutation, BatchPredictionMutation, MonitoringMutation))
Subscription = merge_types("Subscription", (AuditSubscription, RegistrySubscription, DatasetsSubscription, TrainingSubscription, EvaluationSubscription, EvaluationRuleSubscription, DeploymentsSubscription, BatchPredictionSubscription, MonitoringSubscription))


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """Build the schema with the request limits of `settings`.

    NOTE: there is no cost limit yet: within the depth and alias limits, nested lists of up to
    500 items each can still make one request read many rows.
    """
    settings = settings or Settings()
    return ModelCloudSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=settings.graphql_max_depth),
            lambda: MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
            OperationTracing,
        ],
    )


def schema_sdl() -> str:
    return build_schema().as_str() + "\n"
