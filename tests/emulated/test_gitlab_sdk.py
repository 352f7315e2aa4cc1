"""python-gitlab, GitLab's most-used Python client, against the GitLab emulator: it pages
with the emulator's headers (offset and keyset), finds projects by path, reads every family
the tap reads and writes issues and notes as a person would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gitlab
import pytest

from brainhub.sandbox import serve
from brainhub.sandbox.services.gitlab import GitLabEmulator


@pytest.fixture
def served() -> Iterator[tuple[GitLabEmulator, gitlab.Gitlab]]:
    emulator = GitLabEmulator(size="demo", seed=1, generation=0)
    with serve(emulator) as running:
        root = running.base_url.removesuffix("/api/v4")
        client = gitlab.Gitlab(root, private_token=running.credentials["api_token"])
        yield emulator, client


def test_offset_and_keyset_paging_read_every_object(served: Any) -> None:
    emulator, client = served
    project = client.projects.get(emulator.data.projects[0].id)
    issues = project.issues.list(iterator=True, per_page=7, state="all")
    assert len(issues) == len(emulator.data.projects[0].issues), "X-Total is read"
    assert sorted(i.iid for i in issues) == sorted(
        i["iid"] for i in emulator.data.projects[0].issues
    )
    keyset = client.users.list(iterator=True, pagination="keyset", order_by="id", per_page=3)
    assert [u.id for u in keyset] == [u["id"] for u in emulator.data.users]
    log = [e for e in emulator.request_log if e.path == "/api/v4/users"]
    assert len(log) == -(-len(emulator.data.users) // 3)


def test_every_family_the_tap_reads(served: Any) -> None:
    emulator, client = served
    seeded = emulator.data.projects[1]
    project = client.projects.get(seeded.json["path_with_namespace"])
    assert project.id == seeded.id, "a project by its URL-encoded path"
    updated = project.issues.list(all=True, updated_after="2026-01-01T00:00:00Z", state="all")
    assert {i.iid for i in updated} == {
        i["iid"] for i in seeded.issues if i["updated_at"] >= "2026-01-01T00:00:00"
    }
    noted = next(i for i in seeded.issues if i["user_notes_count"])
    notes = project.issues.get(noted["iid"]).notes.list(all=True)
    assert len(notes) == noted["user_notes_count"]
    mr = project.mergerequests.get(seeded.merge_requests[0]["iid"])
    assert mr.title == seeded.merge_requests[0]["title"]
    assert len(mr.notes.list(all=True)) == mr.user_notes_count
    assert len(project.commits.list(all=True)) == len(seeded.commits)
    assert len(project.pipelines.list(all=True)) == len(seeded.pipelines)
    assert [r.tag_name for r in project.releases.list(all=True)]
    assert {b.name for b in project.branches.list(all=True)} == {"main", "develop"}
    assert len(project.members.list(all=True)) == len(emulator.data.users)
    assert client.users.get(1).username == emulator.data.users[0]["username"]


def test_issue_writes_and_their_errors(served: Any) -> None:
    emulator, client = served
    project = client.projects.get(emulator.data.projects[0].id)
    issue = project.issues.create({"title": "From python-gitlab", "labels": ["bug"]})
    assert (issue.state, issue.labels) == ("opened", ["bug"])
    issue.state_event = "close"
    issue.save()
    assert project.issues.get(issue.iid).state == "closed"
    note = issue.notes.create({"body": "Closed from the client."})
    assert note.body == "Closed from the client."
    with pytest.raises(gitlab.exceptions.GitlabCreateError) as refused:
        project.issues.create({"title": ""})
    assert refused.value.response_code == 400
    with pytest.raises(gitlab.exceptions.GitlabGetError) as missing:
        client.projects.get(999)
    assert missing.value.response_code == 404
    assert "404 Project Not Found" in str(missing.value)


def test_the_group_pages_what_sandbox_counts_says(served: Any) -> None:
    emulator, client = served
    counts = emulator.counts()
    (group,) = client.groups.list(all=True)
    assert client.groups.get("sandbox-group").id == group.id
    assert len(group.projects.list(iterator=True, per_page=2)) == counts["projects"]
    merge_requests = group.mergerequests.list(iterator=True, per_page=5, state="all")
    assert len(merge_requests) == counts["merge_requests"]
    assert len({(m.project_id, m.iid) for m in merge_requests}) == counts["merge_requests"]
    every = client.mergerequests.list(iterator=True, per_page=10, state="all", scope="all")
    assert len(every) == counts["merge_requests"]
    assert len(group.members.list(all=True)) == counts["users"]
    assert len(group.members_all.list(all=True)) == counts["users"]
    releases = client.http_list(f"/groups/{group.id}/releases", iterator=True, per_page=3)
    assert len(list(releases)) == counts["releases"]


def test_the_repository_snippets_wikis_jobs_and_approvals(served: Any) -> None:
    emulator, client = served
    seeded = emulator.data.projects[0]
    project = client.projects.get(seeded.id)
    tree = project.repository_tree(recursive=True, all=True)
    blobs = [entry["path"] for entry in tree if entry["type"] == "blob"]
    assert "src/app.py" in blobs
    readme = project.files.get("README.md", ref="main")
    assert readme.decode().decode() == project.files.raw("README.md", ref="main").decode()
    assert project.repository_raw_blob(readme.blob_id).decode().startswith("# Project 1")
    assert [s.project_id for s in project.snippets.list(all=True)] == [seeded.id]
    assert project.wikis.list(all=True)
    (job,) = project.jobs.list(all=True)
    assert project.jobs.get(job.id).trace()
    mr = project.mergerequests.get(seeded.merge_requests[0]["iid"])
    assert mr.approvals.get().approved is False
    assert isinstance(mr.changes()["changes"], list)
    assert [e.project_id for e in project.events.list(all=True)] == [seeded.id]
