"""WA_EXECUTOR picks how steps execute; the celery executor reads its broker from WA_CELERY_BROKER."""

import dagster as dg

from wa_pipeline.defs.backends import executor_definition
from wa_pipeline.settings import get_settings


def test_the_default_is_dagsters_own_executor(fresh_settings):
    fresh_settings.delenv("WA_EXECUTOR", raising=False)
    get_settings.cache_clear()
    assert executor_definition(get_settings()) is None


def test_celery_reads_the_broker_from_the_variable_when_it_runs(fresh_settings):
    fresh_settings.setenv("WA_EXECUTOR", "celery")
    fresh_settings.setenv("WA_CELERY_BROKER", "redis://:first@127.0.0.1:6399/0")
    get_settings.cache_clear()
    chosen = executor_definition(get_settings())
    assert isinstance(chosen, dg.ExecutorDefinition) and chosen.name == "celery"
    # Named, not copied: the definition holds no password, the run resolves whatever the variable says then.
    fresh_settings.setenv("WA_CELERY_BROKER", "redis://:second@127.0.0.1:6399/0")
    config = chosen.config_schema.resolve_config({}).value["config"]
    assert config["broker"] == config["backend"] == "redis://:second@127.0.0.1:6399/0"


def test_celery_without_the_variable_uses_the_local_redis(fresh_settings):
    fresh_settings.setenv("WA_EXECUTOR", "celery")
    fresh_settings.delenv("WA_CELERY_BROKER", raising=False)
    get_settings.cache_clear()
    config = executor_definition(get_settings()).config_schema.resolve_config({}).value["config"]
    assert config["broker"] == "redis://127.0.0.1:6379/0"
