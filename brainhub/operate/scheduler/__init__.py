"""``brainhub scheduler``: runs the project's Meltano schedules and sync intervals on one
machine (see docs/operate.md, "Scheduling").

:mod:`.config` reads what to run, :mod:`.core` decides when (with an injectable clock and
launcher), :mod:`.process` runs real child processes and the foreground loop.
"""
