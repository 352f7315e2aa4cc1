"""Several API roots per connector (``hosts:``): streams and writes pick one by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from brainhub.connect import Connection
from brainhub.errors import SpecError
from brainhub.sandbox import Emulator, serve
from brainhub.spec.loader import load_spec, parse_spec
from taps.runtime.tap import tap_class
from targets.runtime.calls import Sender
from targets.runtime.records import RenderedCall

SPEC = """
name: hosted
base_url: https://root.example.com
hosts:
  mail: https://mail.example.com/mail/v1
  drive: https://www.example.com/drive/v3
streams:
  messages: {path: /messages, host: mail, records: '$.items[*]', primary_key: id,
             schema: schemas/items.json}
  files: {path: /files, host: drive, records: '$.items[*]', primary_key: id,
          schema: schemas/items.json}
  roots: {path: /roots, records: '$.items[*]', primary_key: id, schema: schemas/items.json}
writes:
  files:
    mode: insert
    identity: {type: id_field, field: id}
    operations:
      create: {method: POST, path: /files, host: drive, body: {name: "{record.name}"}, id_from: id}
"""


class ToyHosts(Emulator):
    """One root serving what lives on several hosts, each under its own path."""

    service = "toyhosts"
    routes = (
        Rule("/mail/v1/messages", endpoint="listing", methods=["GET"]),
        Rule("/drive/v3/files", endpoint="listing", methods=["GET", "POST"]),
        Rule("/roots", endpoint="listing", methods=["GET"]),
    )

    def listing(self, request: Request) -> dict[str, Any]:
        if request.method == "POST":
            return {"id": "new-1"}
        return {"items": [{"id": request.path}]}


def _spec_file(tmp_path: Path, text: str = SPEC) -> Path:
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / "schemas" / "items.json").write_text('{"properties": {"id": {"type": "string"}}}')
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    return path


def test_each_stream_reads_from_its_host_under_the_configured_root(
    tmp_path: Path, capsys: Any
) -> None:
    api = ToyHosts(generation=0)
    with serve(api) as served:
        tap_class(load_spec(_spec_file(tmp_path)))(config={"base_url": served.base_url}).sync_all()
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    got = {m["stream"]: m["record"]["id"] for m in records if m["type"] == "RECORD"}
    assert got == {
        "messages": "/mail/v1/messages",
        "files": "/drive/v3/files",
        "roots": "/roots",
    }


def test_without_a_replaced_root_each_host_is_its_declared_url(tmp_path: Path) -> None:
    spec = load_spec(_spec_file(tmp_path))
    connection = Connection(spec, {})
    assert connection.url_for("mail") == "https://mail.example.com/mail/v1"
    assert connection.url_for(None) == "https://root.example.com"
    same_root = Connection(spec, {"base_url": "https://root.example.com/"})
    assert same_root.url_for("drive") == "https://www.example.com/drive/v3"


def test_a_write_goes_to_its_host(tmp_path: Path) -> None:
    spec = load_spec(_spec_file(tmp_path))
    create = spec.writes["files"].operations.create
    assert create is not None
    assert create.host == "drive"
    api = ToyHosts(generation=0)
    with serve(api) as served:
        sender = Sender(Connection(spec, {"base_url": served.base_url}))
        call = RenderedCall("POST", "/files", "/files", {}, {"name": "a"}, host=create.host)
        assert sender.send(call) == {"id": "new-1"}
        sender.close()
    assert [(e.method, e.path) for e in api.request_log] == [("POST", "/drive/v3/files")]


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("host: mail,", "host: gmail,", "streams.messages.host: unknown host 'gmail'"),
        ("path: /files, host: drive, body", "path: /files, host: upload, body", "create.host"),
    ],
)
def test_an_undeclared_host_is_named_with_the_declared_ones(
    tmp_path: Path, old: str, new: str, where: str
) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(SPEC.replace(old, new), _spec_file(tmp_path))
    message = str(caught.value)
    assert where in message
    assert "(hosts: drive, mail)" in message


def test_a_host_url_may_use_only_declared_settings(tmp_path: Path) -> None:
    text = SPEC.replace("https://mail.example.com/mail/v1", "https://{config.region}.example.com")
    with pytest.raises(SpecError) as caught:
        parse_spec(text, _spec_file(tmp_path))
    assert "hosts.mail: {config.region} names no setting" in str(caught.value)
