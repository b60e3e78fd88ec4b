"""The dmp_nightly DAG against the live job registry and the real CLI.

What this proves without Airflow (see the stand-in's docstring for what it is): the DAG file loads; its job
tasks are exactly the registry's jobs, grouped by stage, ordered as the registry says; every landing feed has a
reschedule-mode sensor; retries, timeouts, timetable, catchup and max_active_runs are set; the templated fields,
rendered with Jinja2 as Airflow renders them, give the expected data date; and the rendered command lines are
accepted by the real ``bin/dmp run ... --dry-run`` (job names, options, date, env and overrides), so renaming a
job or an option breaks this test.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import jinja2
import jinja2.nativetypes
import pytest

from conftest import DAGS, REAL_AIRFLOW, REGEN, REPO, dmp


def test_committed_registry_is_the_live_registry(live_registry_text):
    committed = (DAGS / "dmp_jobs.json").read_text(encoding="utf-8")
    assert committed == live_registry_text, (
        "airflow/dags/dmp_jobs.json differs from the job registry (JobRegistry.java). Regenerate it and commit it:\n"
        f"    {REGEN}"
    )


def test_live_names_are_the_registry_order(live_registry):
    names = dmp("jobs", "--names").stdout.split()
    assert names == [j["name"] for j in live_registry]


def job_tasks(dag):
    return {tid: t for tid, t in dag.task_dict.items() if type(t).__name__ == "SparkSubmitOperator"}


def sensor_tasks(dag):
    return {tid: t for tid, t in dag.task_dict.items() if type(t).__name__ == "PythonSensor"}


def test_dag_tasks_are_the_registry_jobs(dag, live_registry):
    assert dag.dag_id == "dmp_nightly"
    assert list(job_tasks(dag)) == [j["name"] for j in live_registry]
    assert set(dag.task_dict) == set(job_tasks(dag)) | set(sensor_tasks(dag))


def test_one_task_group_per_stage_without_prefix(dag, live_registry):
    for job in live_registry:
        task = dag.task_dict[job["name"]]
        assert task.task_group.group_id == job["stage"]
        assert task.task_group.prefix_group_id is False  # task id == job name, as in ops.job_runs


def test_optional_feeds_hold_nothing_up(dag, live_registry):
    optional = {i.split(":", 1)[1]: j["name"] for j in live_registry for i in j["inputs"] if i.startswith("landing-optional:")}
    assert "privacy" in optional  # most nights bring no request: a sensor would hold the night for its timeout
    for feed, job in optional.items():
        assert f"wait_{feed}" not in dag.task_dict
        assert not any(t.startswith("wait_") for t in dag.task_dict[job].upstream_task_ids)


def test_every_landing_feed_has_a_reschedule_sensor(dag, dag_module, live_registry):
    feeds = {i.split(":", 1)[1]: j["name"] for j in live_registry for i in j["inputs"] if i.startswith("landing:")}
    assert feeds, "the registry declares no landing feed: the sensors would test nothing"
    sensors = sensor_tasks(dag)
    assert set(sensors) == {f"wait_{f}" for f in feeds}
    for feed, job in feeds.items():
        s = sensors[f"wait_{feed}"]
        assert s.mode == "reschedule"
        assert s.soft_fail is True  # an absent feed is skipped; the ingest job's conf decides if that fails
        assert s.timeout >= timedelta(hours=1) and s.poke_interval >= timedelta(minutes=1)
        assert s.python_callable is dag_module.feed_landed
        assert s.op_kwargs["source"] == feed
        assert s.task_id in dag.task_dict[job].upstream_task_ids
        assert dag.task_dict[job].trigger_rule == "none_failed"


def ancestors(dag, task_id):
    seen, todo = set(), [task_id]
    while todo:
        for up in dag.task_dict[todo.pop()].upstream_task_ids:
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return seen


def test_dependencies_follow_the_registry(dag, live_registry):
    names = [j["name"] for j in live_registry]
    stages = list(dict.fromkeys(j["stage"] for j in live_registry))
    for i, job in enumerate(live_registry):
        ups = ancestors(dag, job["name"])
        assert job["name"] not in ups, f"cycle through {job['name']}"
        # never after a later job of the registry
        assert not ups & set(names[i + 1:]), f"{job['name']} waits for a later job"
        # after every job of every earlier stage
        earlier = {j["name"] for j in live_registry if stages.index(j["stage"]) < stages.index(job["stage"])}
        assert earlier <= ups, f"{job['name']} does not wait for {sorted(earlier - ups)}"
        for other in live_registry[:i]:
            if other["stage"] != job["stage"]:
                continue
            shared = set(other["outputs"]) & (set(job["outputs"]) | set(job["inputs"]))
            if shared:  # one Delta table written by two jobs of a stage: never at once
                assert other["name"] in ups, f"{job['name']} and {other['name']} both touch {sorted(shared)}"
            else:  # otherwise parallel
                assert other["name"] not in ups


def test_ingest_jobs_run_in_parallel_except_shared_tables(dag, live_registry):
    ingest = [j["name"] for j in live_registry if j["stage"] == "ingest"]
    parallel = [n for n in ingest if not set(dag.task_dict[n].upstream_task_ids) & set(ingest)]
    assert len(parallel) >= len(ingest) - 1
    assert "ingest_crm" in dag.task_dict["ingest_store"].upstream_task_ids  # both write silver.customers_pii


def test_stage_order_inside_a_stage_is_the_one_dmp_nightly_follows(dag, live_registry):
    """dmp nightly runs a stage's jobs at the same time too, following each job's waits_for (computed in Java by
    JobRegistry.waitsFor); the DAG computes its own: both rules must agree."""
    stage_of = {j["name"]: j["stage"] for j in live_registry}
    for job in live_registry:
        same_stage = {u for u in dag.task_dict[job["name"]].upstream_task_ids if stage_of.get(u) == job["stage"]}
        assert same_stage == set(job["waits_for"]), job["name"]


def test_run_settings(dag, dag_module):
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert type(dag.schedule).__name__ == "CronTriggerTimetable"
    assert dag.schedule.cron == dag_module.SCHEDULE_CRON
    for t in job_tasks(dag).values():
        assert t.retries >= 1 and t.retry_delay >= timedelta(minutes=1)
        assert t.execution_timeout is not None and t.execution_timeout <= timedelta(hours=12)
        assert t.java_class == "org.opendmp.jobs.cli.Dmp"
        assert t.conn_id == dag_module.SPARK_CONN_ID
        assert t.name == t.task_id  # the Spark app name is the job name


# ---- rendering, as Airflow does it ----


class Vars:
    """``var`` of the template context: ``var.value.get(name, default)``."""

    def __init__(self, values):
        self.value = SimpleNamespace(get=lambda k, default=None: values.get(k, default))


def render(dag, task, *, logical_date=None, run_after=None, params=None, variables=None):
    """Renders a task's template fields like Airflow (native objects, since the DAG asks for them)."""
    env_cls = jinja2.nativetypes.NativeEnvironment if dag.render_template_as_native_obj else jinja2.Environment
    env = env_cls(undefined=jinja2.StrictUndefined)  # Airflow's default for DAGs
    env.globals.update(dag.user_defined_macros)
    resolved = {k: p.value for k, p in dag.params.items()}
    resolved.update(params or {})
    ctx = {
        "params": resolved,
        "dag_run": SimpleNamespace(logical_date=logical_date, run_after=run_after or logical_date),
        "var": Vars(variables or {}),
    }

    def go(value):
        if isinstance(value, str):
            return env.from_string(value).render(**ctx)
        if isinstance(value, dict):
            return {k: go(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [go(v) for v in value]
        return value

    return {f: go(getattr(task, f)) for f in type(task).template_fields}


# The 02:30 UTC run of 2026-11-03 processes the night of 2026-11-02.
TRIGGER = datetime(2026, 11, 3, 2, 30, tzinfo=timezone.utc)


def test_templates_give_the_day_before_the_trigger(dag):
    for t in job_tasks(dag).values():
        r = render(dag, t, logical_date=TRIGGER)
        args = r["application_args"]
        assert isinstance(args, list), "application_args must render to a list"
        assert args[:4] == ["run", t.task_id, "--date", "2026-11-02"]
        assert r["conf"]["spark.sql.extensions"] == "io.delta.sql.DeltaSparkSessionExtension"
        assert r["name"] == t.task_id
    for s in sensor_tasks(dag).values():
        assert render(dag, s, logical_date=TRIGGER)["op_kwargs"]["day"] == "2026-11-02"


def test_data_date_param_manual_runs_and_settings_precedence(dag):
    t = dag.task_dict["conform"]
    assert render(dag, t, logical_date=TRIGGER, params={"data_date": "2026-10-30"})["application_args"][3] == "2026-10-30"
    # Airflow 3 manual runs may have no logical date: the run_after time is used
    manual = render(dag, t, logical_date=None, run_after=datetime(2026, 11, 5, 9, 0, tzinfo=timezone.utc))
    assert manual["application_args"][3] == "2026-11-04"
    with pytest.raises(ValueError):
        render(dag, t, logical_date=TRIGGER, params={"data_date": "2026-02-30"})
    # params > Variables > defaults
    assert render(dag, t, logical_date=TRIGGER)["application"].endswith("opendmp-jobs-cluster.jar")
    assert render(dag, t, logical_date=TRIGGER, variables={"dmp_jar": "s3a://v/x.jar"})["application"] == "s3a://v/x.jar"
    assert render(dag, t, logical_date=TRIGGER, params={"jar": "s3a://p/x.jar"},
                  variables={"dmp_jar": "s3a://v/x.jar"})["application"] == "s3a://p/x.jar"
    r = render(dag, t, logical_date=TRIGGER, params={"overrides": {"catalog": "session", "lake_root": "s3a://b/l"},
                                                     "spark_conf": {"spark.executor.memory": "8g"}})
    assert r["application_args"][4:] == ["--env", "opendmp-env.yaml", "--set", "catalog=session",
                                         "--set", "lake_root=s3a://b/l"]
    assert r["conf"]["spark.executor.memory"] == "8g"


def test_rendered_command_lines_pass_the_real_cli(dag, live_registry):
    """Every job's rendered arguments, given to bin/dmp with --dry-run (one JVM per job, no Spark)."""
    params = {"env_file": str(REPO / "conf/env/local.yaml"),
              "overrides": {"catalog": "session", "lake_root": "s3a://opendmp-test/lake", "spark.shuffle_partitions": "64"}}
    for job in live_registry:
        args = render(dag, dag.task_dict[job["name"]], logical_date=TRIGGER, params=params)["application_args"]
        r = dmp(*args, "--dry-run", check=False)
        assert r.returncode == 0, f"bin/dmp {' '.join(args)} --dry-run:\n{r.stderr}"
        assert f"would run {job['name']} for 2026-11-02 (lake s3a://opendmp-test/lake)" in r.stdout


def test_a_renamed_job_or_option_is_refused_by_the_cli():
    """The check above has teeth: the CLI refuses what a stale DAG would send."""
    assert dmp("run", "ingest_everything", "--date", "2026-11-02", "--dry-run", check=False).returncode == 1
    assert dmp("run", "conform", "--day", "2026-11-02", "--dry-run", check=False).returncode == 2


# ---- the sensor's check, for real on local folders ----


def test_feed_landed_on_local_folders(dag_module, tmp_path):
    landed = dag_module.feed_landed
    root = str(tmp_path)
    assert not landed(root, "weblogs", "2026-11-02")
    (tmp_path / "weblogs/dt=2026-11-02").mkdir(parents=True)
    assert not landed(root, "weblogs", "2026-11-02")  # an empty folder is not a feed
    (tmp_path / "weblogs/dt=2026-11-02/access.log.gz").write_bytes(b"x")
    assert landed(root, "weblogs", "2026-11-02")
    assert landed("file://" + root + "/", "weblogs", "2026-11-02")
    assert not landed(root, "weblogs", "2026-11-03")
    (tmp_path / "partner_data/dataprovider_a/dt=2026-11-02").mkdir(parents=True)
    (tmp_path / "partner_data/dataprovider_a/dt=2026-11-02/segments.csv").write_text("x")
    assert landed(root, "partner_data", "2026-11-02")
    assert landed(str(REPO / "sample-data/landing"), "crm", sorted(
        p.name[3:] for p in (REPO / "sample-data/landing/crm").iterdir())[0])


def test_the_stand_in_is_used_only_without_airflow():
    import airflow.sdk

    assert getattr(airflow.sdk, "STANDIN", False) is (not REAL_AIRFLOW)


def test_registry_file_is_what_the_dag_reads(dag_module):
    assert dag_module.REGISTRY_FILE == DAGS / "dmp_jobs.json"
    assert dag_module.JOBS == json.loads((DAGS / "dmp_jobs.json").read_text())


def test_new_jobs_need_no_dag_edit(tmp_path):
    """A registry with more jobs (a new stage, a new feed) gives their tasks, group, sensor and order as is."""
    import importlib.util
    import shutil

    shutil.copy(DAGS / "dmp_nightly.py", tmp_path / "dmp_nightly.py")
    jobs = json.loads((DAGS / "dmp_jobs.json").read_text())
    last = jobs[-1]["name"]
    jobs.insert(0, {"name": "ingest_privacy", "stage": "ingest", "description": "", "inputs": ["landing:privacy"],
                    "outputs": ["ops.privacy_requests"]})
    jobs += [{"name": "future_scores", "stage": "future_scoring", "description": "", "inputs": ["silver.events"],
              "outputs": ["gold.future_scores"]},
             {"name": "future_audiences", "stage": "future_audiences", "description": "", "inputs": ["gold.future_scores"],
              "outputs": ["gold.future_audiences"]}]
    (tmp_path / "dmp_jobs.json").write_text(json.dumps(jobs))
    spec = importlib.util.spec_from_file_location("dmp_nightly_more", tmp_path / "dmp_nightly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag = module.dag
    assert list(job_tasks(dag)) == [j["name"] for j in jobs]
    assert dag.task_dict["future_scores"].task_group.group_id == "future_scoring"
    assert "wait_privacy" in dag.task_dict["ingest_privacy"].upstream_task_ids
    assert last in dag.task_dict["future_scores"].upstream_task_ids
    assert dag.task_dict["future_audiences"].upstream_task_ids == {"future_scores"}
    assert "ingest_privacy" in ancestors(dag, "future_scores")
