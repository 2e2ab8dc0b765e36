"""`Progbar`: Keras's progress bar (``4/4 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: 0.1234``)."""

import math
import os
import sys
import time

import numpy as np


def _format_value(value):
    value = float(np.mean(np.asarray(value)))
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


def _format_time(seconds, unit_name):
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


class Progbar:
    """Displays progress towards ``target`` steps with the latest metric values.

    Values passed to `update` may be device arrays: they are read only when a line is
    drawn (at most every ``interval`` seconds, and at the end), so training never waits
    on the progress bar.

    Example:
    >>> bar = kerasish.utils.Progbar(target=10)
    >>> for step in range(1, 11):
    ...     bar.update(step, values=[("loss", 0.5)])
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        unit_name="step",
        stream=None,
    ):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self._values = {}
        self._start = time.time()
        self._last_update = 0.0
        self._previous_width = 0
        self._dynamic = (
            (hasattr(self.stream, "isatty") and self.stream.isatty())
            or "ipykernel" in sys.modules
            or os.environ.get("KERASISH_DYNAMIC_PROGBAR") == "1"
        )

    def update(self, current, values=None, finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            self._values[name] = value
        now = time.time()
        if self.verbose == 1 and (finalize or now - self._last_update >= self.interval):
            self._draw_bar(current, now, finalize)
            # After drawing: reading the logs waits for the device, which must not count as
            # time since the last update (else the next step draws again at once).
            self._last_update = time.time()
        elif self.verbose == 2 and finalize:
            self._draw_summary(current, now)

    def add(self, n, values=None):
        self.update(getattr(self, "_current", 0) + n, values)

    def _time_per_step(self, current, now):
        return (now - self._start) / current if current else 0.0

    def _metric_text(self):
        return "".join(f" - {name}: {_format_value(value)}" for name, value in self._values.items())

    def _draw_bar(self, current, now, finalize):
        if self.target:
            digits = int(math.log10(self.target)) + 1
            filled = int(self.width * min(current, self.target) / self.target)
            bar = f"{current:{digits}d}/{self.target} " + "━" * filled + "━" * (self.width - filled)
        else:
            bar = f"{current:7d}/Unknown"
        per_step = self._time_per_step(current, now)
        if self.target and not finalize:
            eta = per_step * (self.target - current)
            if eta > 3600:
                timing = f" {int(eta // 3600)}:{int(eta % 3600 // 60):02d}:{int(eta % 60):02d}"
            elif eta > 60:
                timing = f" {int(eta // 60)}:{int(eta % 60):02d}"
            else:
                timing = f" {int(eta)}s"
        else:
            timing = f" {now - self._start:.0f}s"
        line = bar + timing + _format_time(per_step, self.unit_name) + self._metric_text()
        padding = " " * max(self._previous_width - len(line), 0)
        prefix = "\r" if self._dynamic else ("" if self._previous_width == 0 else "\n")
        self.stream.write(prefix + line + padding + ("\n" if finalize else ""))
        self.stream.flush()
        self._previous_width = 0 if finalize else len(line)

    def _draw_summary(self, current, now):
        digits = int(math.log10(self.target)) + 1
        line = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s -"
        line += _format_time(self._time_per_step(current, now), self.unit_name)
        self.stream.write(line + self._metric_text() + "\n")
        self.stream.flush()
