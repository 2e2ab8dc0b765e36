"""Where messages go: stdout while interactive logging is on (the default), else the
`logging` module (``keras.config.disable_interactive_logging`` for servers and batch jobs).

Example:
>>> kerasish.config.disable_interactive_logging()
>>> print_msg("goes to logging.info")
>>> kerasish.config.enable_interactive_logging()
"""

import logging
import sys

_INTERACTIVE = True
_logger = logging.getLogger("kerasish")


def enable_interactive_logging():
    global _INTERACTIVE
    _INTERACTIVE = True


def disable_interactive_logging():
    global _INTERACTIVE
    _INTERACTIVE = False


def is_interactive_logging_enabled():
    return _INTERACTIVE


def print_msg(message, line_break=True):
    """Writes ``message`` to stdout (interactive) or logs it at INFO level."""
    if _INTERACTIVE:
        sys.stdout.write(message + ("\n" if line_break else ""))
        sys.stdout.flush()
    else:
        _logger.info(message)


# Keras keeps traceback filtering as a global switch; kerasish does not rewrite tracebacks, so
# the switch only records the user's choice.
_TRACEBACK_FILTERING = True


def enable_traceback_filtering():
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering():
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def is_traceback_filtering_enabled():
    return _TRACEBACK_FILTERING
