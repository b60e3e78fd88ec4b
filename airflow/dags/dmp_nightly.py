"""dmp_nightly: the OpenDMP night on a Spark cluster, built from the job registry (Airflow 3).

One task per job of ``bin/dmp jobs``, in that order, each a ``spark-submit`` of the cluster jar running
``dmp run JOB --date <data date> [--env FILE] [--set k=v ...]``. The registry is read from ``dmp_jobs.json``
beside this file (``bin/dmp jobs --format json > airflow/dags/dmp_jobs.json``; a test fails when it differs from
the live registry): Airflow parses DAG files without Java, so the registry travels with the DAG as data.

Shape, all derived from the registry:
- one TaskGroup per stage (ingest, conform, identity, ...), stages in registry order, every job of a stage
  waiting for every job of the stage before;
- inside a stage jobs run in parallel, except that a job waits for an earlier job of its stage that writes a
  table it writes or reads (ingest_crm and ingest_store both write silver.customers_pii);
- one sensor per landing feed (``landing:<source>`` inputs) in reschedule mode, waiting for
  ``landing_root/<source>/dt=<data date>/`` (or ``<source>/<partner>/dt=...``) to hold a file. A feed still
  absent at the sensor's timeout is skipped, not failed: the ingest job runs anyway (trigger rule
  none_failed) and its own conf (conf/ingest.yaml ``feeds.<source>.required``) decides whether a missing feed
  fails the night, so that rule lives in one place. Feeds that most nights do not bring
  (``landing-optional:<source>``, e.g. privacy requests) get no sensor: waiting for them would hold the whole
  night until the timeout; their job runs with whatever has landed.

The data date: the cron timetable fires after the night (``schedule_cron``, 02:30 by default), so a run's
logical date is the trigger time and the data date is the day before, in the timetable's timezone. Trigger with
``{"data_date": "YYYY-MM-DD"}`` to run one given date.

Settings (precedence: trigger-time params > Airflow Variables > the defaults below):
params ``jar``, ``env_file``, ``overrides`` (``--set``), ``landing_root`` (for the sensors), ``spark_conf``,
``data_date``; Variables ``dmp_jar``, ``dmp_env_file``, ``dmp_landing_root``; parse-time environment
``DMP_SPARK_CONN_ID`` (SparkSubmitOperator does not template conn_id), ``DMP_SCHEDULE_CRON``, ``DMP_TIMEZONE``.
"""

from __future__ import annotations

import glob
import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.providers.standard.sensors.python import PythonSensor
from airflow.sdk import DAG, Param, TaskGroup
from airflow.timetables.trigger import CronTriggerTimetable

DAG_ID = "dmp_nightly"
REGISTRY_FILE = Path(__file__).with_name("dmp_jobs.json")
MAIN_CLASS = "org.opendmp.jobs.cli.Dmp"

SPARK_CONN_ID = os.environ.get("DMP_SPARK_CONN_ID", "spark_default")
SCHEDULE_CRON = os.environ.get("DMP_SCHEDULE_CRON", "30 2 * * *")
TIMEZONE = os.environ.get("DMP_TIMEZONE", "UTC")
DATA_DATE_LAG_DAYS = 1  # the night processed is the day before the trigger

DEFAULT_JAR = "s3a://opendmp/releases/opendmp-jobs-cluster.jar"
DEFAULT_ENV_FILE = "opendmp-env.yaml"  # shipped with --files (see spark_files), read in the driver's folder
DEFAULT_LANDING_ROOT = "s3a://opendmp/landing"

# Delta's session settings (the application sets them too; given here so the cluster's own tools see them).
DEFAULT_SPARK_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}

RETRIES = 2
RETRY_DELAY = timedelta(minutes=10)
# Per stage; a stage absent here gets the default. Generous: a night is hours, a stuck job must still end.
EXECUTION_TIMEOUTS = {"ingest": timedelta(hours=1)}
DEFAULT_EXECUTION_TIMEOUT = timedelta(hours=3)
SENSOR_POKE_INTERVAL = timedelta(minutes=10)
SENSOR_TIMEOUT = timedelta(hours=4)


def load_registry(path: Path = REGISTRY_FILE) -> list[dict]:
    """The jobs in nightly order, as ``bin/dmp jobs --format json`` printed them."""
    jobs = json.loads(path.read_text(encoding="utf-8"))
    for job in jobs:
        missing = {"name", "stage", "inputs", "outputs"} - job.keys()
        if missing:
            raise ValueError(f"{path}: job {job.get('name')!r} lacks {sorted(missing)}")
    return jobs


def landing_feeds(job: dict) -> list[str]:
    """The landing sources a job reads (its ``landing:<source>`` inputs)."""
    return [i.split(":", 1)[1] for i in job["inputs"] if i.startswith("landing:")]


def stage_order(jobs: list[dict]) -> list[str]:
    """The stages in the order of their first job."""
    return list(dict.fromkeys(j["stage"] for j in jobs))


def upstream_jobs(jobs: list[dict]) -> dict[str, list[str]]:
    """Each job's upstream jobs: every job of the previous stage, and the earlier jobs of its own stage that
    write a table it writes or reads (concurrent writers of one Delta table would conflict)."""
    stages = stage_order(jobs)
    by_stage = {s: [j for j in jobs if j["stage"] == s] for s in stages}
    upstream: dict[str, list[str]] = {}
    for job in jobs:
        i = stages.index(job["stage"])
        ups = [j["name"] for j in by_stage[stages[i - 1]]] if i > 0 else []
        touched = set(job["outputs"]) | set(job["inputs"])
        for earlier in by_stage[job["stage"]]:
            if earlier["name"] == job["name"]:
                break
            if touched & set(earlier["outputs"]):
                ups.append(earlier["name"])
        upstream[job["name"]] = ups
    return upstream


# ---- what the templates call (user_defined_macros) ----


def data_date(params, dag_run) -> str:
    """The night to process: ``params.data_date`` when given, else the day before the run's logical date (the
    trigger time) in the timetable's timezone; manual runs without a logical date use ``run_after``."""
    given = (params.get("data_date") or "").strip()
    if given:
        return date.fromisoformat(given).isoformat()  # a bad date fails here, before any spark-submit
    when = getattr(dag_run, "logical_date", None) or dag_run.run_after
    local = when.astimezone(ZoneInfo(TIMEZONE))
    return (local.date() - timedelta(days=DATA_DATE_LAG_DAYS)).isoformat()


def _setting(params, name: str, variable: str, default: str, var) -> str:
    return params.get(name) or var.value.get(variable, default)


def dmp_args(job: str, params, dag_run, var) -> list[str]:
    """The CLI arguments of one job: ``run JOB --date D [--env FILE] [--set k=v ...]``."""
    args = ["run", job, "--date", data_date(params, dag_run)]
    env_file = _setting(params, "env_file", "dmp_env_file", DEFAULT_ENV_FILE, var)
    if env_file:
        args += ["--env", env_file]
    for key, value in sorted((params.get("overrides") or {}).items()):
        args += ["--set", f"{key}={value}"]
    return args


def spark_conf(params) -> dict:
    conf = dict(DEFAULT_SPARK_CONF)
    conf.update(params.get("spark_conf") or {})
    return {k: str(v) for k, v in conf.items()}


def feed_location(landing_root: str, source: str, day: str) -> str:
    return f"{landing_root.rstrip('/')}/{source}/dt={day}"


def feed_landed(landing_root: str, source: str, day: str, aws_conn_id: str = "aws_default") -> bool:
    """True when the feed's folder for the day holds at least one file: ``<source>/dt=D/`` or, for feeds with
    one folder per sender (partner_data), ``<source>/<sender>/dt=D/``. Local/NFS paths and s3://, s3a://."""
    root = landing_root.rstrip("/")
    if root.startswith(("s3://", "s3a://")):
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook  # only on workers that sense S3

        bucket, _, prefix = root.split("://", 1)[1].partition("/")
        keys = S3Hook(aws_conn_id=aws_conn_id).list_keys(bucket_name=bucket, prefix=f"{prefix}/{source}/".lstrip("/"))
        return any(f"/dt={day}/" in f"/{k}" and not k.endswith("/") for k in keys or [])
    root = root.removeprefix("file://")
    patterns = [f"{root}/{source}/dt={day}/*", f"{root}/{source}/*/dt={day}/*"]
    return any(os.path.isfile(p) for pattern in patterns for p in glob.glob(pattern))


# ---- the two task factories ----

DATA_DATE = "{{ dmp_data_date(params, dag_run) }}"


def spark_job(job: dict) -> SparkSubmitOperator:
    """The one way a job runs: spark-submit of the cluster jar with ``run JOB --date D [--env F] [--set k=v]``."""
    name = job["name"]
    return SparkSubmitOperator(
        task_id=name,  # the job's name everywhere: task id, Spark app name, ops.job_runs row
        doc_md=job.get("description"),
        conn_id=SPARK_CONN_ID,
        application=f"{{{{ params.jar or var.value.get('dmp_jar', '{DEFAULT_JAR}') }}}}",
        java_class=MAIN_CLASS,
        name=name,
        application_args=f"{{{{ dmp_args('{name}', params, dag_run, var) }}}}",
        conf="{{ dmp_spark_conf(params) }}",
        files="{{ params.spark_files or var.value.get('dmp_spark_files', '') }}",
        execution_timeout=EXECUTION_TIMEOUTS.get(job["stage"], DEFAULT_EXECUTION_TIMEOUT),
        # runs when a feed sensor was skipped (feed absent): the job's conf decides whether that fails
        trigger_rule="none_failed",
    )


def feed_sensor(source: str) -> PythonSensor:
    """Waits, in reschedule mode, for the night's folder of a landing feed to hold a file."""
    return PythonSensor(
        task_id=f"wait_{source}",
        python_callable=feed_landed,
        op_kwargs={
            "landing_root": f"{{{{ params.landing_root or var.value.get('dmp_landing_root', '{DEFAULT_LANDING_ROOT}') }}}}",
            "source": source,
            "day": DATA_DATE,
        },
        mode="reschedule",
        poke_interval=SENSOR_POKE_INTERVAL,
        timeout=SENSOR_TIMEOUT,
        soft_fail=True,
    )


# ---- the DAG ----

JOBS = load_registry()

with DAG(
    dag_id=DAG_ID,
    description="OpenDMP nightly: every job of the registry (bin/dmp jobs) for the night before the trigger",
    doc_md=__doc__,
    schedule=CronTriggerTimetable(SCHEDULE_CRON, timezone=TIMEZONE),
    start_date=datetime(2026, 1, 1, tzinfo=ZoneInfo(TIMEZONE)),
    catchup=False,
    max_active_runs=1,
    # Templates return Python values: application_args is one list, whose --set part has the length of a param.
    render_template_as_native_obj=True,
    user_defined_macros={"dmp_data_date": data_date, "dmp_args": dmp_args, "dmp_spark_conf": spark_conf},
    default_args={
        "owner": "opendmp",
        "retries": RETRIES,
        "retry_delay": RETRY_DELAY,
        "retry_exponential_backoff": True,
        "max_retry_delay": timedelta(hours=1),
    },
    params={
        "data_date": Param(None, type=["null", "string"], format="date",
                           description="Night to process (YYYY-MM-DD); empty: the day before the trigger."),
        "jar": Param(None, type=["null", "string"],
                     description=f"The cluster jar (else Variable dmp_jar, else {DEFAULT_JAR})."),
        "env_file": Param(None, type=["null", "string"],
                          description=f"--env of dmp run (else Variable dmp_env_file, else {DEFAULT_ENV_FILE})."),
        "spark_files": Param(None, type=["null", "string"],
                             description="spark-submit --files, e.g. the env file (else Variable dmp_spark_files)."),
        "landing_root": Param(None, type=["null", "string"],
                              description=f"Where the sensors look (else Variable dmp_landing_root, else {DEFAULT_LANDING_ROOT})."),
        "overrides": Param({}, type="object", description="--set key=value for every job, e.g. {\"catalog\": \"session\"}."),
        "spark_conf": Param({}, type="object", description="Extra spark-submit --conf (on top of Delta's)."),
    },
    tags=["opendmp", "spark", "delta"],
) as dag:
    tasks = {}
    sensors = {}
    for stage in stage_order(JOBS):
        with TaskGroup(group_id=stage, prefix_group_id=False, tooltip=f"OpenDMP stage {stage}"):
            for job in (j for j in JOBS if j["stage"] == stage):
                tasks[job["name"]] = spark_job(job)
                for source in landing_feeds(job):
                    if source not in sensors:  # one sensor per feed, however many jobs read it
                        sensors[source] = feed_sensor(source)
                    sensors[source] >> tasks[job["name"]]
    for name, ups in upstream_jobs(JOBS).items():
        for up in ups:
            tasks[up] >> tasks[name]
