"""Jobs the command line runs from TOML configs (`kerasish train configs/retail.toml`)."""

from kerasish.jobs import retail

JOBS = {"retail": retail}
