"""`keras.models`: model classes and whole-model utilities."""

from kerasish.engine.functional import Functional
from kerasish.engine.model import Model
from kerasish.engine.sequential import Sequential
from kerasish.models.cloning import clone_model
from kerasish.saving.saving_api import load_model, save_model

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model", "save_model"]
