"""The composition root: builds the event store, services, projections and stores from settings.

`modelcloud serve` and every CLI command get their parts from `Runtime.build`, so the
embedded default (SQLite, a local folder) and a team set-up (PostgreSQL) differ only in settings.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher

from backend.application.alerting import AlertingService, WebhookPolicy
from backend.application.batch_prediction import BatchPredictionService
from backend.application.commands import CommandRunner
from backend.application.configs import ConfigService
from backend.application.datasets import DatasetEngine, DatasetService
from backend.application.encryption import check_encryption
from backend.application.deployments import DeploymentService
from backend.application.evaluation import EvaluationService
from backend.application.evaluation_explanations import ExplanationService, RowExplainer
from backend.application.evaluation_rules import EvaluationRuleService
from backend.application.eventstore import EventStore
from backend.application.identity import BootstrapCredentials, IdentityService
from backend.application.inference_meter import InferenceMeter
from backend.application.predictions import ModelServer, PredictionService
from backend.application.keys import KeyStore
from backend.application.registry import RegistryService
from backend.application.request_log import RequestLog
from backend.application.sessions import SessionStore
from backend.application.signals import DriftReferences
from backend.application.tracking import TrackingService
from backend.application.training import TrainingService
from backend.application.uploads import UploadService
from backend.database import Database, open_database, setup_lock
from backend.leases import Leases, LocalLeases, open_leases
from backend.domain.base import Cause, SYSTEM_ACTOR, utc_now
from backend.projections.audit import AuditProjection, AuditReader
from backend.projections.batch_prediction import BatchPredictionsProjection, BatchPredictionsReader
from backend.projections.base import Projection
from backend.projections.broker import ChangeBroker, PostgresChangeListener
from backend.projections.configs import ConfigsProjection, ConfigsReader
from backend.projections.datasets import DatasetsProjection, DatasetsReader
from backend.projections.deployments import DeploymentsProjection, DeploymentsReader
from backend.projections.evaluation import EvaluationProjection, EvaluationReader
from backend.projections.evaluation_rules import EvaluationRulesProjection, EvaluationRulesReader
from backend.projections.identity import IdentityProjection, IdentityReader
from backend.projections.monitoring import MonitoringProjection, MonitoringReader
from backend.projections.runner import ProjectionRunner
from backend.projections.registry import RegistryProjection, RegistryReader
from backend.projections.training import TrainingProjection, TrainingReader
from backend.projections.uploads import UploadsProjection, UploadsReader
from backend.settings import Settings
from backend.storage import ArtifactStore, open_artifact_store

log = logging.getLogger(__name__)

SQLITE_POLL_SECONDS = 0.5
POSTGRES_POLL_SECONDS = 5.0


def all_projections() -> list[Projection]:
    return [
        IdentityProjection(), AuditProjection(), UploadsProjection(), RegistryProjection(), DatasetsProjection(),
        ConfigsProjection(), TrainingProjection(), EvaluationProjection(), EvaluationRulesProjection(),
        DeploymentsProjection(), BatchPredictionsProjection(), MonitoringProjection(),
    ]


def open_store(settings: Settings, clock: Callable[[], datetime] = utc_now) -> tuple[EventStore, Database]:
    """Open the event store and the database, and check MODELCLOUD_ENCRYPTION_KEY against the store's record.

    Raises EncryptionMismatch, with both closed, when the key does not fit the store.
    """
    with setup_lock(settings.database_url):
        store = EventStore(settings.database_url, settings.encryption_key_bytes)
        database = open_database(settings.database_url)
        try:
            check_encryption(store, database, settings.encryption_key_bytes, clock)
        except BaseException:
            database.close()
            store.close()
            raise
    return store, database


def password_hasher(settings: Settings) -> PasswordHasher:
    return PasswordHasher(
        time_cost=settings.password_hash_time_cost,
        memory_cost=settings.password_hash_memory_kib,
        parallelism=settings.password_hash_parallelism,
    )


@dataclass
class Readers:
    identity: IdentityReader
    audit: AuditReader
    uploads: UploadsReader
    registry: RegistryReader
    datasets: DatasetsReader
    configs: ConfigsReader
    training: TrainingReader
    evaluation: EvaluationReader
    evaluation_rules: EvaluationRulesReader
    deployments: DeploymentsReader
    batch_predictions: BatchPredictionsReader
    monitoring: MonitoringReader


@dataclass
class Runtime:
    settings: Settings
    clock: Callable[[], datetime]
    store: EventStore
    database: Database
    commands: CommandRunner
    keys: KeyStore
    sessions: SessionStore
    identity: IdentityService
    uploads: UploadService
    registry: RegistryService
    datasets: DatasetService
    configs: ConfigService
    training: TrainingService
    tracking: TrackingService
    evaluation: EvaluationService
    evaluation_rules: EvaluationRuleService
    deployments: DeploymentService
    predictions: PredictionService
    meter: InferenceMeter
    request_log: RequestLog
    artifacts: ArtifactStore
    broker: ChangeBroker
    projections: ProjectionRunner
    readers: Readers
    explanations: ExplanationService
    batch_predictions: BatchPredictionService
    alerting: AlertingService
    drift_references: DriftReferences
    listener: PostgresChangeListener | None = None
    reconciler: Any = None
    policies: list[Any] = field(default_factory=list)
    policy_leases: Leases = field(default_factory=LocalLeases)
    running: bool = field(default=False)

    @classmethod
    def build(
        cls, settings: Settings, clock: Callable[[], datetime] = utc_now, *, dataset_engine: DatasetEngine | None = None,
        row_explainer: RowExplainer | None = None, model_server: ModelServer | None = None,
    ) -> Runtime:
        """Build every part from settings; dataset files go to Ray workers unless `dataset_engine` names another engine.

        Row explanations run as Ray tasks too, unless `row_explainer` names another runner. With
        MODELCLOUD_WORKERS off and no `row_explainer`, explanation requests fail with SERVICE_UNAVAILABLE, and
        predictions do too unless `model_server` names a server.
        """
        # The artifact store is checked first, so an unusable location stops start-up before the database is touched.
        artifacts = open_artifact_store(settings.artifacts)
        artifacts.check()
        store, database = open_store(settings, clock)
        commands = CommandRunner(store)
        keys = KeyStore(database)
        broker = ChangeBroker()
        poll = POSTGRES_POLL_SECONDS if settings.is_postgres else SQLITE_POLL_SECONDS
        projections = ProjectionRunner(
            store, database, all_projections(), broker, poll_interval=poll, leases=open_leases(settings.database_url)
        )
        readers = Readers(
            IdentityReader(database), AuditReader(database), UploadsReader(database), RegistryReader(database), DatasetsReader(database),
            ConfigsReader(database), TrainingReader(database), EvaluationReader(database), EvaluationRulesReader(database),
            DeploymentsReader(database), BatchPredictionsReader(database), MonitoringReader(database),
        )
        registry = RegistryService(commands, artifacts, clock)
        training = TrainingService(commands, artifacts, registry, clock)
        evaluation = EvaluationService(commands, artifacts, clock)
        if dataset_engine is None:
            from workers.dataset_engine import RayDatasetEngine

            dataset_engine = RayDatasetEngine(settings)
        if row_explainer is None and settings.workers:
            from workers.explanation_engine import RayRowExplainer

            row_explainer = RayRowExplainer(settings)
        if model_server is None and settings.workers:
            from workers.serving_engine import RayModelServer

            model_server = RayModelServer(settings)
        request_log = RequestLog(database, broker)
        meter = InferenceMeter(commands, clock, request_log)
        datasets = DatasetService(commands, artifacts, dataset_engine, clock)
        return cls(
            settings=settings,
            clock=clock,
            store=store,
            database=database,
            commands=commands,
            keys=keys,
            sessions=SessionStore(database, clock, timedelta(hours=settings.session_ttl_hours)),
            identity=IdentityService(commands, keys, clock, password_hasher(settings)),
            uploads=UploadService(commands, artifacts, clock),
            registry=registry,
            datasets=datasets,
            configs=ConfigService(commands, clock),
            training=training,
            tracking=TrackingService(commands, training, registry, clock),
            evaluation=evaluation,
            evaluation_rules=EvaluationRuleService(commands, evaluation, clock),
            deployments=DeploymentService(commands, clock),
            predictions=PredictionService(store, readers.deployments, readers.registry, model_server, meter, clock=clock),
            meter=meter,
            request_log=request_log,
            artifacts=artifacts,
            broker=broker,
            projections=projections,
            readers=readers,
            explanations=ExplanationService(store, row_explainer),
            batch_predictions=BatchPredictionService(commands, artifacts, datasets, clock),
            alerting=AlertingService(commands, keys, clock, WebhookPolicy(
                allowed_hosts=tuple(settings.webhook_allowed_hosts), max_attempts=settings.webhook_max_attempts)),
            drift_references=DriftReferences(store, artifacts),
        )

    def prepare(self) -> None:
        """Create the tables this process needs; safe to call from several processes at once."""
        with setup_lock(self.settings.database_url):
            self.keys.create_table()
            self.sessions.create_table()
            self.request_log.create_table()
            self.projections.create_tables()

    def start(self, *, run_projections: bool | None = None, run_workers: bool = False, run_policies: bool = False) -> None:
        """Prepare, catch the projections up, then keep them live in a background thread.

        With `run_workers` (as `modelcloud serve` does when MODELCLOUD_WORKERS is on) the reconciler
        also starts, and with it Ray on first need.
        """
        self.prepare()
        in_process = self.settings.projections_in_process if run_projections is None else run_projections
        if in_process:
            self.commands.on_append(lambda _position: self.projections.wake())
            try:
                self.projections.catch_up()
            except Exception:
                # The background thread retries; /readyz reports the failure meanwhile.
                log.exception("projections could not catch up at start")
            self.projections.start()
        if self.settings.is_postgres:
            wake = self.projections.wake if in_process else (lambda: None)
            self.listener = PostgresChangeListener(
                self.settings.database_url, self.broker, wake, events_channel=self.store.recorder.channel_name
            )
            self.listener.start()
            self.listener.ready.wait(timeout=10)
        if run_workers:
            from workers.reconciler import Reconciler

            self.reconciler = Reconciler(self)
            self.commands.on_append(lambda _position: self.reconciler.wake())
            self.reconciler.start()
        if run_policies:
            self._start_policies()
        self.running = True

    def _start_policies(self) -> None:
        from backend.processes.integrity import check_integrity
        from backend.processes.monitoring import deliver_webhooks, monitor
        from backend.processes.retention import apply_retention
        from backend.processes.scheduler import Periodic

        self.policy_leases = leases = open_leases(self.settings.database_url)
        self.policies = [
            Periodic("retention", self.settings.retention_interval_seconds, lambda: apply_retention(self), leases=leases),
            Periodic("integrity", self.settings.integrity_interval_seconds, lambda: check_integrity(self), leases=leases),
            # Each process counts its own prediction calls, so each flushes them.
            Periodic("inference-windows", self.settings.inference_window_seconds, self.meter.flush),
            Periodic("request-log", self.settings.request_log_flush_seconds, self.meter.flush_sampled),
            Periodic("monitoring", self.settings.monitoring_interval_seconds, lambda: monitor(self), leases=leases),
            Periodic("webhooks", self.settings.webhook_interval_seconds, lambda: deliver_webhooks(self), leases=leases),
        ]
        for policy in self.policies:
            policy.start()

    def bootstrap(self) -> BootstrapCredentials | None:
        """Create the first administrator if this installation has none."""
        return self.identity.bootstrap(self.cause_from_system())

    def cause_from_system(self) -> Cause:
        return Cause.new(SYSTEM_ACTOR, None, at=self.clock())

    def stop(self) -> None:
        for policy in self.policies:
            policy.stop()
        self.policy_leases.release_all()
        if self.policies:
            # The calls counted since the last window would be lost otherwise.
            self.meter.flush()
        if self.reconciler is not None:
            self.reconciler.stop()
        # Dataset jobs may have connected this process to Ray even without the reconciler.
        from workers.ray_runtime import shutdown_ray

        shutdown_ray()
        if self.listener is not None:
            self.listener.stop()
        self.projections.stop()
        self.database.close()
        self.store.close()
        self.running = False
