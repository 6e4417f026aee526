"""Stopping a background task for sure (the policy watch, the case feed's poller, webhook dispatch).

One `cancel()` is not always enough on Python 3.11: a cancellation that meets a statement's own
timeout at the same moment can be swallowed (the task stays "cancelling" and runs on), and a stop
that awaits the task then waits forever. Observed: a test's app teardown hung in the policy watch's
next `sleep` under a loaded machine. So cancel again until the task is done.
"""

import asyncio


async def stop(task: asyncio.Task[None] | None) -> None:
    while task is not None and not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=1.0)
