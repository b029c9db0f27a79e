"""The row lock every flow uses.

viewflow's default ``select_for_update_lock`` uses NOWAIT and retries inside its own
savepoint; wrapped in our services' transaction a failed attempt aborts the whole transaction
on PostgreSQL. Waiting for the row instead is both simpler and correct here: the second of
two people acting on one task waits for the first to commit, then finds the task taken or
done and is told so. Locks are always taken referral first, then case, so waits cannot
deadlock.
"""

from viewflow.workflow.lock import SelectForUpdateLock

ROW_LOCK = SelectForUpdateLock(nowait=False, attempts=1)
