"""A transaction that fails after deferring takes its jobs with it: in requests and in tasks."""

import urllib.error

from tests.reliability.invariants import addresses, assert_invariants, wait_for_recovery
from tests.reliability.processes import wait_until
from tests.test_make_run import answers, sign_up


def post_signup(base: str, username: str) -> tuple[int, str]:
    try:
        return sign_up(base, username), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_signup_whose_commit_fails_after_deferring_leaves_no_user_and_no_job(faults):
    base = faults.processes.web()
    wait_until(lambda: answers(f"{base}/accounts/signup/"), timeout=30, what="the web server")
    faults.cluster.inject_commit_fault("accounts_user", times=1)

    status, page = post_signup(base, "grace")

    assert status == 503 and "Traceback" not in page
    assert faults.cluster.sql("SELECT count(*) FROM accounts_user") == [(0,)]
    assert faults.cluster.sql("SELECT count(*) FROM procrastinate_jobs") == [(0,)]

    assert post_signup(base, "grace")[0] == 200  # the user tries again
    faults.processes.worker()
    wait_for_recovery(faults.cluster, faults.sink, emails=1, timeout=30)
    jobs = "SELECT task_name FROM procrastinate_jobs WHERE NOT args ? 'timestamp'"  # no ticks
    assert faults.cluster.sql(jobs) == [("accounts.send_verification_email",)]
    assert_invariants(faults.cluster, faults.sink, addresses=["grace@example.com"])


def test_a_publish_job_that_fails_after_deferring_the_fan_out_leaves_no_children(faults):
    faults.processes.environ["NOTIFY_BATCH_SIZE"] = "2"
    readers = faults.scenario("scheduled-post", count=5, seconds=1)[1:]
    # The publication's first commit fails, after the batch jobs were deferred in it; the
    # publish job's retry policy runs it again.
    faults.cluster.inject_commit_fault("blog_post", times=1)
    faults.processes.worker()

    wait_for_recovery(faults.cluster, faults.sink, emails=len(readers), timeout=45)

    attempts = faults.cluster.sql(
        "SELECT attempts, status FROM procrastinate_jobs WHERE task_name = 'publish_post'"
    )
    assert attempts == [(2, "succeeded")], "the publish job failed once, then succeeded"
    batches = faults.cluster.sql(
        "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'notify_followers_batch'"
    )
    assert batches == [(3,)], "only the committed attempt's three batches exist"
    assert_invariants(faults.cluster, faults.sink, addresses=addresses("reader", 5))
