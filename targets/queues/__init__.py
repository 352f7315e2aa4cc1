"""Targets of Redis and message queues (RabbitMQ, SQS): a small Singer loop of their own.

Every one writes its records in batches and confirms each batch (a Redis transaction, a
broker's publisher confirms, SQS's answer per message) before it emits the STATE that came
after them, so a STATE Meltano saves never names a record that is not written.
"""
