"""Taps of Redis and message queues (RabbitMQ, SQS): small Singer programs of their own.

They write SCHEMA, RECORD and STATE lines themselves because their STATE is not a
replication-key bookmark: a queue tap's STATE names the messages it handed on, so that the
next run can acknowledge exactly those the target committed (see ``taps/queues/pending``).
"""
