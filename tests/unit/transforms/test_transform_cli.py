"""The transform-duckdb command: run, validate, preview, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from transforms.engine.cli import main

MAPPING = """\
version: 1
outputs:
  stg.posts:
    from: raw.posts
    fields:
      external_id: {from: id, apply: [to_string]}
      subject: {from: title, apply: [uppercase]}
      content: {from: body, apply: [trim]}
      author_id: {from: userId, apply: [to_int]}
  mart.posts_per_author:
    from: stg.posts
    group_by: [author_id]
    measures: {posts: count}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "transforms" / "demo").mkdir(parents=True)
    (tmp_path / "transforms" / "demo" / "posts.yaml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "data").mkdir()
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb")) as connection:
        connection.execute("CREATE SCHEMA raw")
        connection.execute(
            """CREATE TABLE raw.posts AS SELECT * FROM (VALUES
               (1, 'first', ' a ', '7'), (2, 'second', 'b', '7'), (3, 'third', 'c', 'x')
            ) AS t(id, title, body, "userId")"""
        )
    return tmp_path


def invoke(project: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, [*args, "--project-dir", str(project)], env={"TRANSFORM_DUCKDB_PATH": ""}
    )
    return result.exit_code, result.stdout, result.stderr


def test_run_builds_everything_and_reports(project: Path) -> None:
    code, out, _ = invoke(project, "run")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("built stg.posts: 2 rows, 1 rejected (")
    assert lines[1].startswith("built mart.posts_per_author: 1 rows (")
    assert lines[2].startswith("done: 2 output(s) built in ")
    with duckdb.connect(str(project / "data" / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute("SELECT * FROM mart.posts_per_author").fetchall() == [(7, 2)]


def test_files_for_the_mapper_only_are_left_out_of_run_and_validate(project: Path) -> None:
    """An ``in_flight`` file reads a stream that is never loaded: no table, no error."""
    (project / "transforms" / "demo" / "to_tasks.yaml").write_text(
        "version: 1\nin_flight: true\noutputs:\n"
        "  out_tasks.tasks:\n    from: raw_other.issues\n    fields: {name: title}\n",
        encoding="utf-8",
    )
    for command in ("validate", "run"):
        code, out, err = invoke(project, command)
        assert code == 0, err
        assert "out_tasks" not in out
    code, _out, err = invoke(project, "preview", "out_tasks.tasks")
    assert code == 1
    assert "no output named 'out_tasks.tasks'" in err


def test_run_with_select_and_unknown_select(project: Path) -> None:
    code, out, _ = invoke(project, "run", "--select", "stg.*")
    assert code == 0
    assert "mart.posts_per_author" not in out
    code, out, err = invoke(project, "run", "--select", "stg.nope")
    assert code == 1
    assert err == (
        "transform-duckdb: error: --select 'stg.nope' matches no output "
        "(outputs: mart.posts_per_author, stg.posts)\n"
    )


def test_validate_passes_then_names_file_and_line_of_a_bad_column(project: Path) -> None:
    code, out, _ = invoke(project, "validate")
    assert (code, out) == (
        0,
        f"ok: 2 output(s) match the warehouse {project / 'data' / 'warehouse.duckdb'}\n",
    )
    mapping = project / "transforms" / "demo" / "posts.yaml"
    mapping.write_text(MAPPING.replace("from: body", "from: bodi"), encoding="utf-8")
    code, out, err = invoke(project, "validate")
    assert code == 1
    assert err.splitlines() == [
        "transforms/demo/posts.yaml:8: output 'stg.posts', field 'content': path 'bodi': posts has "
        "no column 'bodi' (did you mean 'body'?) (columns: id, title, body, userId)",
        "transforms/demo/posts.yaml:10: output 'mart.posts_per_author': not checked, it reads "
        "'stg.posts' which has errors",
        "transform-duckdb: 2 error(s) in the mappings",
    ]


def test_validate_catches_a_type_error_and_changes_nothing(project: Path) -> None:
    mapping = project / "transforms" / "demo" / "posts.yaml"
    mapping.write_text(
        MAPPING.replace("group_by: [author_id]", "group_by: [{field: subject, bucket: day}]"),
        encoding="utf-8",
    )
    code, _, err = invoke(project, "validate")
    assert code == 1
    assert err.splitlines()[0] == (
        "transforms/demo/posts.yaml:12: output 'mart.posts_per_author': group_by 'subject': "
        "bucket 'day' needs a timestamp or date, got a text"
    )
    with duckdb.connect(str(project / "data" / "warehouse.duckdb"), read_only=True) as connection:
        schemas = connection.execute(
            "SELECT schema_name FROM information_schema.schemata ORDER BY 1"
        ).fetchall()
    assert ("stg",) not in schemas


def test_preview_prints_rows_without_building(project: Path) -> None:
    code, out, _ = invoke(project, "preview", "stg.posts", "--limit", "1", "--format", "jsonl")
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"external_id": "1", "subject": "FIRST", "content": "a", "author_id": 7}
    ]
    code, out, _ = invoke(project, "preview", "stg.posts")
    assert code == 0
    assert "SECOND" in out
    assert "external_id" in out
    code, _, err = invoke(project, "preview", "mart.posts_per_author")
    assert code == 1
    assert "source 'stg.posts' does not exist" in err


def test_errors_are_one_line_without_traceback(project: Path, tmp_path: Path) -> None:
    code, _, err = invoke(project, "run", "--path", str(tmp_path / "missing.duckdb"))
    assert code == 1
    assert err.startswith("transform-duckdb: error: warehouse ")
    assert "does not exist" in err
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1
    (project / "transforms" / "demo" / "posts.yaml").write_text(
        "version: 1\noutputs: [", encoding="utf-8"
    )
    code, _, err = invoke(project, "validate")
    assert code == 1
    assert err.startswith("transform-duckdb: error: transforms/demo/posts.yaml:2: invalid YAML")
    code, _, err = invoke(project, "preview", "nope.nothing")
    assert code == 1
    assert "Traceback" not in err


def test_every_command_is_documented_in_its_help() -> None:
    for command in ("run", "validate", "preview"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "--project-dir" in result.stdout
        assert "--path" in result.stdout


def test_validate_points_into_a_sql_model(project: Path) -> None:
    (project / "transforms" / "demo" / "mart.top.sql").write_text(
        "-- output: mart.top_posts\nSELECT external_id,\n       nonexistent\nFROM stg.posts\n",
        encoding="utf-8",
    )
    code, _, err = invoke(project, "validate")
    assert code == 1
    first = err.splitlines()[0]
    assert first.startswith(
        "transforms/demo/mart.top.sql:3: output 'mart.top_posts': DuckDB rejects"
    )
    assert "nonexistent" in first


# One value whose aliases expand to 9**6 strings: a schema error quoting it must stay short.
BOMB = (
    "[[&a [x, x, x, x, x, x, x, x, x], "
    + ", ".join(
        f"&{name} [{', '.join([f'*{previous}'] * 9)}]"
        for previous, name in zip("abcde", "bcdef", strict=True)
    )
    + "]]"
)
BAD_MAPPINGS = [
    (
        "latin1.yaml",
        b"version: 1\ndescription: caf\xe9\noutputs: {}\n",
        "transforms/demo/latin1.yaml:2: mapping file is not UTF-8 text (byte 0xe9); save it "
        "as UTF-8",
    ),
    (
        "latin1.sql",
        b"-- output: mart.latin\nSELECT '\xe9' AS a\n",
        "transforms/demo/latin1.sql:2: SQL model is not UTF-8 text (byte 0xe9); save it as UTF-8",
    ),
    (
        "deep.yaml",
        b"version: 1\noutputs:\n  stg.deep:\n    from: raw.posts\n    description: "
        + b"[" * 20_000
        + b"]" * 20_000
        + b"\n",
        "transforms/demo/deep.yaml",
    ),
    (
        "bomb.yaml",
        (
            "version: 1\noutputs:\n  stg.bomb:\n    from: raw.posts\n    rules:\n"
            f"      - {{rule: accepted_values, field: id, values: {BOMB}}}\n"
        ).encode(),
        "transforms/demo/bomb.yaml",
    ),
    (
        "tab.yaml",
        b"version: 1\noutputs:\n\tstg.p: {from: raw.posts}\n",
        "transforms/demo/tab.yaml:3: invalid YAML: found character '\\t' that cannot start any "
        "token",
    ),
    (
        "tag.yaml",
        b"version: 1\noutputs: !!python/object:os.system {}\n",
        "transforms/demo/tag.yaml:2: invalid YAML: could not determine a constructor for the tag",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "expected"), BAD_MAPPINGS, ids=[b[0] for b in BAD_MAPPINGS]
)
def test_bad_mapping_files_are_one_short_line(
    project: Path, name: str, content: bytes, expected: str
) -> None:
    (project / "transforms" / "demo" / name).write_bytes(content)
    for command in (("run",), ("validate",), ("preview", "stg.posts")):
        code, out, err = invoke(project, *command)
        assert (code, out) == (1, ""), command
        assert len(err.splitlines()) == 1, err[:2000]
        assert len(err) < 600, err[:2000]
        assert err.startswith(f"transform-duckdb: error: {expected}"), err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--path", "data"), "cannot open warehouse "),
        (("--path", "transforms/demo/posts.yaml"), "cannot open warehouse "),
        (("--path", "nowhere/else.duckdb"), "does not exist; load data first"),
        (("--select", ""), "--select '' matches no output (outputs: mart.posts_per_author, "),
        (("--select", "+"), "--select '+' matches no output"),
        (("--select", "stg.[post"), "--select 'stg.[post' matches no output"),
        (("--mappings", "nope"), "no such mapping file or folder"),
    ],
)
def test_bad_command_line_input_is_one_line(
    project: Path, args: tuple[str, ...], expected: str
) -> None:
    code, out, err = invoke(project, "run", *args)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1, err
    assert err.startswith("transform-duckdb: error: ")
    assert expected in err
