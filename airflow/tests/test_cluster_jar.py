"""The cluster jar the DAG submits (jobs/target/opendmp-jobs-cluster.jar, built by `mvn package`).

It must not bundle Spark, Hadoop or Scala (the cluster provides them; two copies break at runtime), must bundle
Delta and the project's own libraries, carry conf/*.yaml as default behaviour configs, and start with only the
provided classpath beside it. `bin/test` runs `mvn verify` first, so the jar is fresh there.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import DAGS, REPO

JAR = REPO / "jobs/target/opendmp-jobs-cluster.jar"
CLASSPATH = REPO / "jobs/target/classpath.txt"
BUILD = "cd the repository and run: mvn -B -q -DskipTests package"


def newest_source() -> float:
    roots = [REPO / "common/src/main", REPO / "jobs/src/main", REPO / "conf"]
    files = [p for r in roots for p in r.rglob("*") if p.is_file()]
    files += [REPO / "pom.xml", REPO / "common/pom.xml", REPO / "jobs/pom.xml"]
    return max(p.stat().st_mtime for p in files)


@pytest.fixture(scope="module")
def names() -> set[str]:
    assert JAR.is_file(), f"{JAR} is missing: {BUILD}"
    assert JAR.stat().st_mtime >= newest_source(), f"{JAR} is older than the sources: {BUILD}"
    with zipfile.ZipFile(JAR) as z:
        return set(z.namelist())


def test_no_spark_hadoop_or_scala_inside(names):
    assert "org/apache/spark/sql/SparkSession.class" not in names
    assert "org/apache/spark/SparkContext.class" not in names
    for prefix in ("org/apache/hadoop/", "scala/", "com/fasterxml/jackson/core/", "com/fasterxml/jackson/databind/",
                   "org/slf4j/", "org/apache/logging/", "software/amazon/awssdk/"):
        assert not [n for n in names if n.startswith(prefix)], f"{prefix} is bundled: it must stay provided"


def test_spark_packages_hold_only_delta_classes(names):
    """Delta ships classes in Spark's packages (org.apache.spark.sql.delta...): those, and only those."""
    delta = next(Path(p) for p in CLASSPATH.read_text().strip().split(":") if "/delta-spark_" in p)
    with zipfile.ZipFile(delta) as z:
        delta_names = set(z.namelist())
    foreign = sorted(n for n in names if n.startswith("org/apache/spark/") and n not in delta_names)
    assert not foreign, f"Spark classes in the cluster jar: {foreign[:10]}"


def test_delta_project_and_libraries_inside(names):
    for cls in ("org/opendmp/jobs/cli/Dmp.class", "org/opendmp/common/config/EnvConfig.class",
                "io/delta/sql/DeltaSparkSessionExtension.class",
                "org/apache/spark/sql/delta/catalog/DeltaCatalog.class", "io/delta/storage/LogStore.class",
                "picocli/CommandLine.class", "org/yaml/snakeyaml/Yaml.class",
                "com/fasterxml/jackson/dataformat/yaml/YAMLFactory.class"):
        assert cls in names, cls
    with zipfile.ZipFile(JAR) as z:
        services = z.read("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister").decode()
        manifest = z.read("META-INF/MANIFEST.MF").decode()
    assert "org.apache.spark.sql.delta.sources.DeltaDataSource" in services
    assert "Main-Class: org.opendmp.jobs.cli.Dmp" in manifest


def test_conf_defaults_are_the_repository_conf(names):
    repo_conf = sorted(p.name for p in (REPO / "conf").glob("*.yaml"))
    assert repo_conf, "conf/*.yaml is empty"
    assert sorted(n[5:] for n in names if n.startswith("conf/") and n.endswith(".yaml")) == repo_conf
    assert not [n for n in names if n.startswith("conf/env/")], "the env (where data lives) is never bundled"
    with zipfile.ZipFile(JAR) as z:
        for name in repo_conf:
            assert z.read(f"conf/{name}") == (REPO / "conf" / name).read_bytes(), name


def provided_classpath(names: set[str]) -> list[str]:
    """classpath.txt less the jars whose classes the cluster jar bundles: what a Spark distribution supplies."""
    kept = []
    for entry in CLASSPATH.read_text().strip().split(":"):
        with zipfile.ZipFile(entry) as z:
            classes = [n for n in z.namelist()
                       if n.endswith(".class") and not n.startswith("META-INF/") and "module-info" not in n][:5]
        if not classes or not all(c in names for c in classes):
            kept.append(entry)
    return kept


def test_starts_beside_the_provided_classpath_with_bundled_conf_and_set_only(names, tmp_path):
    cp = ":".join([str(JAR), *provided_classpath(names)])
    assert "delta-spark" not in cp and "picocli" not in cp and "opendmp-common" not in cp

    def run(*args):
        # a folder without conf/ (dmp.home unset: the working directory), as on a cluster node
        return subprocess.run(["nice", "-n", "10", "java", "-cp", cp, "org.opendmp.jobs.cli.Dmp", *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)

    r = run("run", "ingest_weblogs", "--date", "2026-11-02", "--dry-run", "--set", "lake_root=s3a://b/lake",
            "--set", "landing_root=s3a://b/landing", "--set", "export_root=s3a://b/exports", "--set", "catalog=session")
    assert r.returncode == 0, r.stderr
    assert "would run ingest_weblogs for 2026-11-02 (lake s3a://b/lake)" in r.stdout
    assert "behaviour configs: defaults bundled in the jar" in r.stdout
    jobs = run("jobs", "--format", "json")
    assert jobs.returncode == 0, jobs.stderr
    assert json.loads(jobs.stdout) == json.loads((DAGS / "dmp_jobs.json").read_text())
