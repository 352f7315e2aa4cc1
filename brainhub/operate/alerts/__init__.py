"""Alerts: rules of ``alerts.yaml`` evaluated over the run store, one incident per rule and
integration while its condition holds, notices to Slack, a webhook or the log (see
docs/operate.md, "Alerts").

:mod:`.rules` reads ``alerts.yaml``, :mod:`.conditions` evaluates a rule, :mod:`.store`
keeps the incidents, :mod:`.channels` sends the notices, :mod:`.check` ties them together.
"""
