"""The write side of connector specs: ``target-<service>`` built from a spec's ``writes:``.

Modules: ``cli`` (the entry point; the executable's name picks the spec), ``target`` (the
Singer SDK target and its sink), ``settings`` (the settings schema), ``records`` (what a
record renders to: source key, written fields, calls), ``calls`` (sending one rendered call
through the core :class:`~brainhub.connect.Connection`), ``writer`` (one record → its
create, update or delete, with the id map), ``idmap`` (the id map and the rejects in the
warehouse), ``plan`` (``dry_run``), ``readme`` (the README section of a target).
"""
