"""`MonitorCallback`: the "is this value an improvement?" logic shared by the monitoring callbacks."""

import warnings

import jax.numpy as jnp

from kerasish.callbacks.callback import Callback


def _less(a, b):
    return bool(jnp.less(a, b))


def _greater(a, b):
    return bool(jnp.greater(a, b))


class MonitorCallback(Callback):
    """Base of `EarlyStopping`, `ReduceLROnPlateau` and `ModelCheckpoint` (not public, as in Keras).

    Comparisons run through ``jnp.less``/``jnp.greater`` as Keras's ``ops`` do, so log values are
    compared at JAX's default float precision (float32 unless x64 is enabled), exactly as Keras 3
    on JAX decides ties.

    Arguments:
        monitor: the log name to watch, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (inferred from the name on the first epoch end:
            ``loss`` minimizes; a compiled metric uses its direction).
        baseline: the initial "best" value (``None``: the first value seen).
        min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self):
        if self.mode == "min":
            self.monitor_op = _less
        elif self.mode == "max":
            self.monitor_op = _greater
        else:
            metric_name = self.monitor.removeprefix("val_")
            if metric_name == "loss":
                self.monitor_op = _less
            for metric in _compiled_metrics(self.model):
                if metric.name == metric_name and hasattr(metric, "_direction"):
                    self.monitor_op = _greater if metric._direction == "up" else _less
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but Keras "
                    "isn't able to automatically determine whether that metric should be maximized "
                    "or minimized. Pass `mode='max'` in order to monitor based on the highest metric "
                    "value, or pass `mode='min'` in order to use the lowest value."
                )
        if self.monitor_op is _less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value):
        if reference_value is None:
            return True
        return self.monitor_op(monitor_value - self.min_delta, reference_value)


def _compiled_metrics(model):
    """The metrics from ``compile(metrics=...)`` that ``model.metrics`` reports.

    Keras looks only inside the `CompileMetrics` container of ``model.metrics``: loss trackers
    and metrics a subclass tracks itself do not decide the direction.
    """
    compiled = getattr(getattr(model, "_compile_metrics", None), "metrics", None) or []
    compiled_ids = {id(metric) for metric in compiled}
    return [
        metric for metric in getattr(model, "metrics", None) or [] if id(metric) in compiled_ids
    ]
