"""How a run's steps execute, chosen in one place: Dagster's default (multiprocess) unless WA_EXECUTOR says otherwise."""

import os

import dagster as dg

from wa_pipeline.settings import get_settings

BROKER_VARIABLE = "WA_CELERY_BROKER"


def celery_executor() -> dg.ExecutorDefinition:
    """Steps go to Celery workers (`dagster-celery worker start -A dagster_celery.app -y deploy/celery.yaml`)."""
    # Imported here: celery and its broker client load only when this executor is chosen.
    from dagster_celery import celery_executor as dagster_celery_executor

    # A broker URL may hold a password: from the environment, the config names the variable, never its value.
    if os.environ.get(BROKER_VARIABLE):
        broker = {"env": BROKER_VARIABLE}
    else:
        broker = get_settings().celery_broker.get_secret_value()
    # The broker doubles as the result backend: Redis holds both, and the workers read the same deploy/celery.yaml.
    return dagster_celery_executor.configured({"broker": broker, "backend": broker}, name="celery")


@dg.definitions
def executor() -> dg.Definitions:
    if get_settings().executor == "celery":
        return dg.Definitions(executor=celery_executor())
    if get_settings().executor == "in_process":
        # One process per run: no per-step start-up or model loads, no parallelism (small machines, tests).
        return dg.Definitions(executor=dg.in_process_executor)
    # No executor named: Dagster's default, multiprocess (in-process for execute_in_process).
    return dg.Definitions()
