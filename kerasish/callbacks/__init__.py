"""`keras.callbacks`."""

from kerasish.callbacks.backup_and_restore import BackupAndRestore as BackupAndRestore
from kerasish.callbacks.callback import Callback as Callback
from kerasish.callbacks.callback_list import CallbackList as CallbackList
from kerasish.callbacks.csv_logger import CSVLogger as CSVLogger
from kerasish.callbacks.early_stopping import EarlyStopping as EarlyStopping
from kerasish.callbacks.history import History as History
from kerasish.callbacks.lambda_callback import LambdaCallback as LambdaCallback
from kerasish.callbacks.learning_rate_scheduler import (
    LearningRateScheduler as LearningRateScheduler,
)
from kerasish.callbacks.model_checkpoint import ModelCheckpoint as ModelCheckpoint
from kerasish.callbacks.orbax_checkpoint import OrbaxCheckpoint as OrbaxCheckpoint
from kerasish.callbacks.progbar_logger import ProgbarLogger as ProgbarLogger
from kerasish.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau as ReduceLROnPlateau
from kerasish.callbacks.remote_monitor import RemoteMonitor as RemoteMonitor
from kerasish.callbacks.swap_ema_weights import SwapEMAWeights as SwapEMAWeights
from kerasish.callbacks.tensorboard import TensorBoard as TensorBoard
from kerasish.callbacks.terminate_on_nan import TerminateOnNaN as TerminateOnNaN

__all__ = [
    "BackupAndRestore",
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "OrbaxCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "RemoteMonitor",
    "SwapEMAWeights",
    "TensorBoard",
    "TerminateOnNaN",
]
