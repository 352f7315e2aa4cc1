"""A new generation's changes are the difference of two journal snapshots, in the form a
write journals, so the vendor turns both into the same webhook events."""

from __future__ import annotations

from brainhub.sandbox.kit.generations import snapshot_changes
from brainhub.sandbox.services.gitlab import GitLabEmulator


def test_new_gone_and_changed_objects_are_creates_deletes_and_updates() -> None:
    before = {"issue": {"1": {"repo": "api", "title": "a", "state": "open"}, "2": {"repo": "x"}}}
    after = {"issue": {"1": {"repo": "api", "title": "b", "state": "open"}, "3": {"repo": "y"}}}
    changes = snapshot_changes(before, after, {"seed": 1}, {"issue": ("repo",)}, at="T")
    assert [(c.seq, c.op, c.id, dict(c.data)) for c in changes] == [
        (1, "update", "1", {"repo": "api", "title": "b"}),
        (2, "create", "3", {"repo": "y"}),
        (3, "delete", "2", {"repo": "x"}),
    ]
    assert {(c.at, dict(c.scope)["seed"]) for c in changes} == {("T", 1)}


def test_unchanged_snapshots_make_no_changes() -> None:
    same = {"page": {"p": {"title": "t", "version": 3}}}
    assert snapshot_changes(same, same, {}) == []


def test_a_gitlab_issue_closed_by_a_write_and_by_a_generation_makes_the_same_event() -> None:
    written = GitLabEmulator(size="tiny", generation=0)
    project = written.data.projects[0]
    issue = next(i for i in project.issues if i["state"] == "opened")
    closed = written.record_change(
        lambda: written.writer.update_issue(project, issue["iid"], {"state_event": "close"})
    )
    [by_write] = written.webhook_events(closed)
    before = GitLabEmulator(size="tiny", generation=0)
    snapshot = before.journal_snapshot()
    project_before = before.data.projects[0]
    next(i for i in project_before.issues if i["iid"] == issue["iid"])["state"] = "closed"
    [by_generation_change] = snapshot_changes(
        snapshot, before.journal_snapshot(), {}, GitLabEmulator.snapshot_keys
    )
    [by_generation] = before.webhook_events(by_generation_change)
    for event in (by_write, by_generation):
        assert event.headers["X-Gitlab-Event"] == "Issue Hook"
        assert event.body["object_attributes"]["action"] == "close"
        assert event.body["object_attributes"]["iid"] == issue["iid"]
        assert event.body["changes"]["state_id"] == {"previous": None, "current": 2}
