"""`initialize`: joins a multi-host (multi-process) run, as on Cloud TPU VMs."""

import os

import jax


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Starts `jax.distributed` for a run of several processes (call before any computation).

    Arguments default to the environment variables Keras reads:
    ``KERAS_DISTRIBUTION_JOB_ADDRESSES`` (comma-separated; the first is the coordinator),
    ``KERAS_DISTRIBUTION_NUM_PROCESSES`` and ``KERAS_DISTRIBUTION_PROCESS_ID``. On TPU VMs all
    three may stay None: jax finds them from the TPU environment.

    Example:
    >>> kerasish.distribution.initialize(
    ...     job_addresses="10.0.0.1:1234", num_processes=2, process_id=0)  # doctest: +SKIP
    """
    environ = os.environ
    if job_addresses is None:
        job_addresses = environ.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in environ:
        num_processes = int(environ["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in environ:
        process_id = int(environ["KERAS_DISTRIBUTION_PROCESS_ID"])
    coordinator = job_addresses.split(",")[0] if job_addresses else None
    jax.distributed.initialize(
        coordinator_address=coordinator, num_processes=num_processes, process_id=process_id
    )
