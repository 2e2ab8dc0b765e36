"""`keras.device`: a scope that places the arrays created inside it on one device."""

import jax


def device(device_name):
    """Arrays created in this scope (variables included) live on ``device_name``.

    Example:
    >>> with kerasish.device("cpu:0"):
    ...     x = kerasish.ops.ones((2,))
    >>> x.devices() == {jax.devices("cpu")[0]}
    True

    Arguments:
        device_name: ``"cpu"``, ``"gpu:1"``, ``"tpu:0"`` ... or a `jax.Device`.
    """
    from kerasish.distribution.mesh import _jax_device

    if not isinstance(device_name, (str, jax.Device)):
        raise ValueError(
            "Invalid value for argument `device_name`. Expected a string like 'gpu:0' or a "
            f"`jax.Device` instance. Received: device_name='{device_name}'"
        )
    return jax.default_device(_jax_device(device_name))
