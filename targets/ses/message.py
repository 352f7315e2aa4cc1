"""A record as one SES call: ``SendEmail`` (subject and body) or ``SendTemplatedEmail``.

Record properties: ``to`` (an address or a list), optional ``cc``, ``bcc``, ``reply_to``;
then either ``subject`` with ``body`` (text) and/or ``html_body``, or ``template`` (an SES
template name) with optional ``template_data`` (an object, or its JSON text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

RECORD_SCHEMA_PROPERTIES = (
    "to",
    "cc",
    "bcc",
    "reply_to",
    "subject",
    "body",
    "html_body",
    "template",
    "template_data",
)


class RecordProblemError(ValueError):
    """A record cannot be sent as it is; the message says which property and why."""


@dataclass(frozen=True)
class Email:
    """One SES call: its operation and parameters."""

    operation: str
    parameters: dict[str, Any]

    @property
    def recipients(self) -> list[str]:
        destination = self.parameters["Destination"]
        return [
            a
            for key in ("ToAddresses", "CcAddresses", "BccAddresses")
            for a in destination.get(key, [])
        ]


def email_for(record: dict[str, Any], source: str, configuration_set: str | None) -> Email:
    """The SES call sending ``record`` from ``source``; :class:`RecordProblemError` if it cannot."""
    destination = {"ToAddresses": _addresses(record, "to", required=True)}
    for key, name in (("cc", "CcAddresses"), ("bcc", "BccAddresses")):
        if addresses := _addresses(record, key, required=False):
            destination[name] = addresses
    parameters: dict[str, Any] = {"Source": source, "Destination": destination}
    if reply_to := _addresses(record, "reply_to", required=False):
        parameters["ReplyToAddresses"] = reply_to
    if configuration_set:
        parameters["ConfigurationSetName"] = configuration_set
    template = record.get("template")
    if template:
        if not isinstance(template, str):
            raise RecordProblemError("template: must be the name of an SES template")
        parameters["Template"] = template
        parameters["TemplateData"] = _template_data(record.get("template_data"))
        return Email("send_templated_email", parameters)
    subject, text, html = record.get("subject"), record.get("body"), record.get("html_body")
    if not isinstance(subject, str) or not subject.strip():
        raise RecordProblemError("subject: required (a non-empty string) unless template is given")
    if not (isinstance(text, str) and text) and not (isinstance(html, str) and html):
        raise RecordProblemError("body: give body (text) and/or html_body unless template is given")
    body: dict[str, Any] = {}
    if isinstance(text, str) and text:
        body["Text"] = {"Data": text, "Charset": "UTF-8"}
    if isinstance(html, str) and html:
        body["Html"] = {"Data": html, "Charset": "UTF-8"}
    parameters["Message"] = {"Subject": {"Data": subject, "Charset": "UTF-8"}, "Body": body}
    return Email("send_email", parameters)


def _addresses(record: dict[str, Any], key: str, *, required: bool) -> list[str]:
    value = record.get(key)
    if value is None or value == [] or value == "":
        if required:
            raise RecordProblemError(f"{key}: required (an address or a list of addresses)")
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(a, str) and a.strip() for a in items):
        raise RecordProblemError(f"{key}: must be an address or a list of addresses, got {value!r}")
    return [a.strip() for a in items]


def _template_data(value: Any) -> str:
    if value is None:
        return "{}"
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise RecordProblemError(
                "template_data: text that is not JSON; give an object"
            ) from None
        value = parsed
    if not isinstance(value, dict):
        raise RecordProblemError("template_data: must be an object of template variables")
    return json.dumps(value, ensure_ascii=False)
