"""Defer jobs on Django's own connection, so they commit or roll back with the current transaction.

In request code `task.defer()` already does this. Inside a running task it does not: the worker's
connector is its own psycopg pool, so a child deferred there commits at once, even if the task's
writes then roll back — and `transaction.on_commit` leaves a window where a crash after COMMIT
loses the children. A job manager on Django's connection closes both gaps.
"""

from procrastinate import jobs, manager
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.tasks import Task

_on_django_connection = manager.JobManager(DjangoConnector())


def in_transaction(task: Task, **options) -> jobs.JobDeferrer:
    """`task.configure(**options)` whose `.defer()` and `.batch_defer()` join the transaction."""
    return jobs.JobDeferrer(job_manager=_on_django_connection, job=task.configure(**options).job)
