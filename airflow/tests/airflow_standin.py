"""A STAND-IN for the few Airflow 3 classes the DAG imports. NOT AIRFLOW.

Airflow cannot be installed on the machines this project is built on, so conftest.py installs these modules in
``sys.modules`` when (and only when) the real Airflow is absent. They record what the DAG file declares (tasks,
groups, dependencies, arguments) so the tests can check it; they schedule nothing, run nothing, validate no
param schema and render no template (the tests render with Jinja2 themselves, as Airflow would).

To keep the stand-in honest, each constructor accepts only the keyword arguments its real counterpart accepts
(Airflow 3.0 / apache-spark provider 5.x / standard provider 1.x signatures, copied by hand): a misspelt
argument fails here as it would in Airflow. ``template_fields`` are the real classes' lists.
"""

from __future__ import annotations

import sys
import types

STANDIN = True

_current_dag: list["DAG"] = []
_current_group: list["TaskGroup"] = []

# BaseOperator's keyword arguments (Airflow 3.0), the ones a DAG author may pass.
BASE_OPERATOR_ARGS = {
    "task_id", "owner", "email", "email_on_retry", "email_on_failure", "retries", "retry_delay",
    "retry_exponential_backoff", "max_retry_delay", "start_date", "end_date", "depends_on_past",
    "ignore_first_depends_on_past", "wait_for_past_depends_before_skipping", "wait_for_downstream", "dag",
    "params", "default_args", "priority_weight", "weight_rule", "queue", "pool", "pool_slots", "sla",
    "execution_timeout", "on_execute_callback", "on_failure_callback", "on_success_callback",
    "on_retry_callback", "on_skipped_callback", "pre_execute", "post_execute", "trigger_rule", "resources",
    "run_as_user", "map_index_template", "max_active_tis_per_dag", "max_active_tis_per_dagrun", "executor",
    "executor_config", "do_xcom_push", "multiple_outputs", "inlets", "outlets", "task_group", "doc", "doc_md",
    "doc_json", "doc_yaml", "doc_rst", "task_display_name", "logger_name", "allow_nested_operators",
}
TRIGGER_RULES = {
    "all_success", "all_failed", "all_done", "all_done_setup_success", "one_success", "one_failed", "one_done",
    "none_failed", "none_skipped", "always", "none_failed_min_one_success", "all_skipped",
}


class BaseOperator:
    template_fields: tuple[str, ...] = ()
    extra_args: set[str] = set()

    def __init__(self, **kwargs):
        unknown = set(kwargs) - BASE_OPERATOR_ARGS - self.extra_args
        if unknown:
            raise TypeError(f"{type(self).__name__}: unexpected keyword arguments {sorted(unknown)}")
        if "task_id" not in kwargs:
            raise TypeError(f"{type(self).__name__}: task_id is required")
        dag = kwargs.get("dag") or (_current_dag[-1] if _current_dag else None)
        if dag is None:
            raise RuntimeError("operator created outside a DAG")
        args = {**dag.default_args, **kwargs}
        if args.get("trigger_rule", "all_success") not in TRIGGER_RULES:
            raise ValueError(f"unknown trigger rule {args['trigger_rule']!r}")
        self.kwargs = args
        for k, v in args.items():
            setattr(self, k, v)
        self.trigger_rule = args.get("trigger_rule", "all_success")
        self.retries = args.get("retries", 0)
        self.execution_timeout = args.get("execution_timeout")
        self.task_group = _current_group[-1] if _current_group else None
        self.upstream_task_ids: set[str] = set()
        self.downstream_task_ids: set[str] = set()
        self.dag = dag
        dag._add(self)

    def set_downstream(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            self.downstream_task_ids.add(o.task_id)
            o.upstream_task_ids.add(self.task_id)

    def __rshift__(self, other):
        self.set_downstream(other)
        return other

    def __lshift__(self, other):
        for o in other if isinstance(other, (list, tuple)) else [other]:
            o.set_downstream(self)
        return other


class BaseSensorOperator(BaseOperator):
    extra_args = {"poke_interval", "timeout", "soft_fail", "mode", "exponential_backoff", "max_wait",
                  "silent_fail", "never_fail"}

    def __init__(self, **kwargs):
        if kwargs.get("mode", "poke") not in ("poke", "reschedule"):
            raise ValueError(f"mode must be poke or reschedule, got {kwargs['mode']!r}")
        super().__init__(**kwargs)
        self.mode = kwargs.get("mode", "poke")


class PythonSensor(BaseSensorOperator):
    template_fields = ("templates_dict", "op_args", "op_kwargs")
    extra_args = BaseSensorOperator.extra_args | {"python_callable", "op_args", "op_kwargs", "templates_dict"}

    def __init__(self, *, python_callable, **kwargs):
        if not callable(python_callable):
            raise TypeError("python_callable must be callable")
        super().__init__(python_callable=python_callable, **kwargs)
        self.op_args = kwargs.get("op_args") or []
        self.op_kwargs = kwargs.get("op_kwargs") or {}
        self.templates_dict = kwargs.get("templates_dict")


class SparkSubmitOperator(BaseOperator):
    template_fields = ("application", "conf", "files", "py_files", "jars", "driver_class_path", "packages",
                       "exclude_packages", "keytab", "principal", "proxy_user", "name", "application_args",
                       "env_vars", "properties_file")
    extra_args = {"application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars",
                  "java_class", "packages", "exclude_packages", "repositories", "total_executor_cores",
                  "executor_cores", "executor_memory", "driver_memory", "keytab", "principal", "proxy_user", "name",
                  "num_executors", "status_poll_interval", "application_args", "env_vars", "verbose",
                  "spark_binary", "properties_file", "yarn_queue", "deploy_mode", "use_krb5ccache",
                  "openlineage_inject_parent_job_info", "openlineage_inject_transport_info"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for f in self.template_fields:
            setattr(self, f, kwargs.get(f))


class Param:
    def __init__(self, default=None, description=None, **schema):
        self.value = default
        self.description = description
        self.schema = schema


class TaskGroup:
    def __init__(self, group_id, prefix_group_id=True, tooltip="", **kwargs):
        self.group_id = group_id
        self.prefix_group_id = prefix_group_id
        self.tooltip = tooltip

    def __enter__(self):
        _current_group.append(self)
        return self

    def __exit__(self, *exc):
        _current_group.pop()


DAG_ARGS = {
    "dag_id", "description", "schedule", "start_date", "end_date", "template_searchpath", "template_undefined",
    "user_defined_macros", "user_defined_filters", "default_args", "max_active_tasks", "max_active_runs",
    "max_consecutive_failed_dag_runs", "dagrun_timeout", "sla_miss_callback", "catchup", "on_success_callback",
    "on_failure_callback", "doc_md", "params", "access_control", "is_paused_upon_creation", "jinja_environment_kwargs",
    "render_template_as_native_obj", "tags", "owner_links", "auto_register", "fail_fast", "dag_display_name",
    "disable_bundle_versioning",
}


class DAG:
    def __init__(self, dag_id, **kwargs):
        unknown = set(kwargs) - DAG_ARGS
        if unknown:
            raise TypeError(f"DAG: unexpected keyword arguments {sorted(unknown)}")
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.default_args = kwargs.get("default_args") or {}
        self.params = kwargs.get("params") or {}
        self.schedule = kwargs.get("schedule")
        self.catchup = kwargs.get("catchup", False)
        self.max_active_runs = kwargs.get("max_active_runs", 16)
        self.user_defined_macros = kwargs.get("user_defined_macros") or {}
        self.render_template_as_native_obj = kwargs.get("render_template_as_native_obj", False)
        self.task_dict: dict[str, BaseOperator] = {}

    def _add(self, task):
        if task.task_id in self.task_dict:
            raise ValueError(f"duplicate task id {task.task_id!r}")  # Airflow's DuplicateTaskIdFound
        self.task_dict[task.task_id] = task

    def __enter__(self):
        _current_dag.append(self)
        return self

    def __exit__(self, *exc):
        _current_dag.pop()


class CronTriggerTimetable:
    def __init__(self, cron, *, timezone, interval=None, run_immediately=False):
        if len(cron.split()) != 5:
            raise ValueError(f"not a 5-field cron expression: {cron!r}")
        self.cron = cron
        self.timezone = timezone
        self.interval = interval


def install() -> None:
    """Registers the stand-in modules under the names the DAG imports."""
    modules = {
        "airflow": {},
        "airflow.sdk": {"DAG": DAG, "Param": Param, "TaskGroup": TaskGroup, "BaseOperator": BaseOperator},
        "airflow.timetables": {},
        "airflow.timetables.trigger": {"CronTriggerTimetable": CronTriggerTimetable},
        "airflow.providers": {},
        "airflow.providers.apache": {},
        "airflow.providers.apache.spark": {},
        "airflow.providers.apache.spark.operators": {},
        "airflow.providers.apache.spark.operators.spark_submit": {"SparkSubmitOperator": SparkSubmitOperator},
        "airflow.providers.standard": {},
        "airflow.providers.standard.sensors": {},
        "airflow.providers.standard.sensors.python": {"PythonSensor": PythonSensor},
    }
    for name, attrs in modules.items():
        m = types.ModuleType(name, "OpenDMP test stand-in, not Airflow")
        m.__path__ = []  # a package, so that submodules resolve from sys.modules
        m.STANDIN = True
        for k, v in attrs.items():
            setattr(m, k, v)
        sys.modules[name] = m
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, m)
