"""`compile`, `fit`, `evaluate`, `predict` over one pure, jitted step function.

The training state is Keras 3's JAX state -- ``(trainable_variables,
non_trainable_variables, optimizer_variables, metrics_variables)``, lists of arrays
aligned with the model's variable lists -- so a ``train_step(self, state, data)``
written for Keras 3 on JAX runs unchanged. The step is jitted once per input
signature with the state donated; ``steps_per_execution=K`` runs K steps in one call
with `lax.scan`; logs stay on the device until the progress bar or a callback reads them.
"""

import typing
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from kerasish.backend.config import max_epochs
from kerasish.distribution import distributions, placement
from kerasish.engine import host_stage, structure
from kerasish.engine.scope import StateScope
from kerasish.training.data_adapters import (
    DataPosition,
    get_data_adapter,
    unpack_x_y_sample_weight,
)
from kerasish.utils import random_utils
from kerasish.utils.gc_utils import FirstCallWithoutGC, gc_paused


class TrainState(typing.NamedTuple):
    """Everything `fit` updates, as lists of arrays (a pytree that orbax saves as it is)."""

    trainable_variables: list
    non_trainable_variables: list
    optimizer_variables: list
    metrics_variables: list


def _compact(x, y, sample_weight):
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _stack(batches):
    return jax.tree.map(lambda *leaves: np.stack(leaves), *batches)


def _same_structure(a, b):
    return jax.tree.structure(a) == jax.tree.structure(b) and all(
        np.shape(x) == np.shape(y) for x, y in zip(jax.tree.leaves(a), jax.tree.leaves(b))
    )


class Trainer:
    """The training half of `Model`: compile/fit/evaluate/predict and the step functions."""

    def _init_trainer(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._losses_override = None
        self.steps_per_execution = 1
        self.run_eagerly = False
        self.jit_compile = True
        self._jitted = {}
        self._compile_config = None
        self._distribution = None  # the distribution active at `compile`
        self._jax_state = None
        self._jax_state_synced = True
        # Where `fit` is in its data, and where a restored checkpoint says to continue from.
        self._data_position = None
        self._resume_position = None

    # -- compile -------------------------------------------------------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configures training: optimizer (name, instance or optax transform), loss(es), metrics."""
        from kerasish import metrics as metrics_module
        from kerasish import optimizers as optimizers_module
        from kerasish.saving.serialization import serialize_keras_object
        from kerasish.training import compile_utils

        self.optimizer = optimizers_module.get(optimizer)
        self._distribution = distributions.distribution()
        if (
            auto_scale_loss
            and self.dtype_policy.compute_dtype == "float16"
            and not isinstance(self.optimizer, optimizers_module.LossScaleOptimizer)
        ):
            self.optimizer = optimizers_module.LossScaleOptimizer(self.optimizer)
        output_names = self._output_names()
        # As Keras: a recompile without `loss` (or without metrics) keeps the previous ones.
        if loss is not None:
            self.loss = loss
            self._compile_loss = compile_utils.CompileLoss(loss, loss_weights, output_names)
        if metrics is not None or weighted_metrics is not None or self._compile_metrics is None:
            self._compile_metrics = compile_utils.CompileMetrics(
                metrics, weighted_metrics, output_names
            )
        self._loss_tracker = metrics_module.Mean(name="loss")
        if steps_per_execution < 1:
            raise ValueError(f"`steps_per_execution` must be >= 1. Received: {steps_per_execution}")
        self.steps_per_execution = int(steps_per_execution)
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile is not False and not run_eagerly
        self._jitted = {}
        self.compiled = True
        self._compile_config = {
            "optimizer": serialize_keras_object(self.optimizer)
            if hasattr(self.optimizer, "get_config")
            else None,
            "loss": _serialize_maybe(loss),
            "loss_weights": loss_weights,
            "metrics": _serialize_maybe(metrics),
            "weighted_metrics": _serialize_maybe(weighted_metrics),
            "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }

    def get_compile_config(self):
        return self._compile_config if self.compiled else None

    def compile_from_config(self, config):
        """Compiles from a compile config (Keras's or ours): object configs become objects,
        names such as ``"mse"`` stay names, as `compile` received them."""
        from kerasish.saving.serialization import deserialize_nested_objects

        if type(self).compile is not Trainer.compile:
            warnings.warn(
                "`compile()` was not called as part of model loading because the model's "
                "`compile()` method is custom. All subclassed Models that have `compile()` "
                "overridden should also override `get_compile_config()` and "
                "`compile_from_config(config)`. Alternatively, you can call `compile()` manually "
                "after loading.",
                stacklevel=2,
            )
            return
        self.compile(**deserialize_nested_objects(config))

    def _output_names(self):
        outputs = getattr(self, "outputs", None)
        if outputs:
            return [t._keras_history.operation.name for t in outputs]
        return None

    @property
    def metrics(self):
        """As Keras: the loss tracker, the compiled metrics (one ``compile_metrics`` entry),
        the per-output loss trackers, then the metrics held as attributes by the model and
        its layers (those of nested models excluded)."""
        found = []
        if self.compiled:
            found.append(self._loss_tracker)
            if self._compile_metrics.configured:
                found.append(self._compile_metrics)
            if self._compile_loss is not None:
                found.extend(self._compile_loss.metrics)
        return found + [m for m in super().metrics if all(m is not k for k in found)]

    def _sublayer_metrics(self):
        return []  # a nested model's metrics belong to its own training

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    @property
    def metrics_variables(self):
        return [v for metric in self.metrics for v in metric.variables]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    # -- losses and metrics (Keras 3's overridable hooks) -------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Compiled loss plus ``model.losses`` (regularizers, ``add_loss``)."""
        total = 0.0
        if self._compile_loss is not None and y is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        extra = self._losses_override if self._losses_override is not None else self.losses
        for value in extra:
            total = total + jnp.asarray(value, jnp.float32)
        return jnp.asarray(total, jnp.float32)

    def stateless_compute_loss(
        self,
        trainable_variables,
        non_trainable_variables,
        metrics_variables,
        x=None,
        y=None,
        y_pred=None,
        sample_weight=None,
        training=True,
    ):
        variables = self.trainable_variables + self.non_trainable_variables + self.metrics_variables
        values = list(trainable_variables) + list(non_trainable_variables) + list(metrics_variables)
        with StateScope({id(v): x for v, x in zip(variables, values)}) as scope:
            loss = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
            )

        def current(variable_list):
            return [scope.values[id(v)] for v in variable_list]

        return loss, (
            current(self.trainable_variables),
            current(self.non_trainable_variables),
            current(self.metrics_variables),
        )

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        if y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        logs = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = result
        return logs

    # -- step functions (Keras 3 JAX form) ----------------------------------------------
    def compute_loss_and_updates(
        self,
        trainable_variables,
        non_trainable_variables,
        metrics_variables,
        x,
        y,
        sample_weight,
        training=False,
        optimizer_variables=None,
    ):
        y_pred, non_trainable_variables, losses = self.stateless_call(
            trainable_variables, non_trainable_variables, x, return_losses=True, training=training
        )
        self._losses_override = losses
        try:
            loss, (trainable_variables, non_trainable_variables, metrics_variables) = (
                self.stateless_compute_loss(
                    trainable_variables,
                    non_trainable_variables,
                    metrics_variables,
                    x=x,
                    y=y,
                    y_pred=y_pred,
                    sample_weight=sample_weight,
                    training=training,
                )
            )
        finally:
            self._losses_override = None
        unscaled_loss = loss
        if training and optimizer_variables is not None and hasattr(self.optimizer, "scale_loss"):
            with StateScope(
                {id(v): x for v, x in zip(self.optimizer.variables, optimizer_variables)}
            ):
                loss = self.optimizer.scale_loss(loss)
        return loss, (unscaled_loss, y_pred, non_trainable_variables, metrics_variables)

    def _update_metrics_variables(
        self, metrics_variables, unscaled_loss, x, y, y_pred, sample_weight
    ):
        with StateScope(
            {id(v): x for v, x in zip(self.metrics_variables, metrics_variables)}
        ) as scope:
            batch_size = jnp.shape(jax.tree.leaves(x)[0])[0]
            self._loss_tracker.update_state(unscaled_loss, sample_weight=batch_size)
            logs = self.compute_metrics(x, y, y_pred, sample_weight)
        return logs, [scope.values[id(v)] for v in self.metrics_variables]

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.compute_loss_and_updates, has_aux=True)
        (_, aux), grads = grad_fn(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x,
            y,
            sample_weight,
            training=True,
            optimizer_variables=optimizer_variables,
        )
        unscaled_loss, y_pred, non_trainable_variables, metrics_variables = aux
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables
        )
        logs, metrics_variables = self._update_metrics_variables(
            metrics_variables, unscaled_loss, x, y, y_pred, sample_weight
        )
        return logs, TrainState(
            trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables
        )

    def test_step(self, state, data):
        trainable_variables, non_trainable_variables, metrics_variables = state
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        _, aux = self.compute_loss_and_updates(
            trainable_variables,
            non_trainable_variables,
            metrics_variables,
            x,
            y,
            sample_weight,
            training=False,
        )
        unscaled_loss, y_pred, non_trainable_variables, metrics_variables = aux
        logs, metrics_variables = self._update_metrics_variables(
            metrics_variables, unscaled_loss, x, y, y_pred, sample_weight
        )
        return logs, (trainable_variables, non_trainable_variables, metrics_variables)

    def predict_step(self, state, data):
        trainable_variables, non_trainable_variables = state
        x, _, _ = unpack_x_y_sample_weight(data)
        return self.stateless_call(trainable_variables, non_trainable_variables, x, training=False)

    def _predict_state_step(self, state, data):
        outputs, non_trainable_variables = self.predict_step(state, data)
        return outputs, (state[0], non_trainable_variables)

    # -- jitted functions -----------------------------------------------------------------
    def _function(self, kind, multi_step=False):
        """The jitted step. Test and predict steps leave the trainable variables out of their
        result: returning them would copy every weight on every call."""
        key = (kind, multi_step, structure.constants_version())
        if key in self._jitted:
            return self._jitted[key]
        step = {
            "train": self.train_step,
            "test": self.test_step,
            "predict": self._predict_state_step,
        }[kind]
        first_kept = 0 if kind == "train" else 1
        if multi_step:

            def function(state, stacked):
                def body(carry, data):
                    outputs, carry = step(carry, data)
                    return tuple(carry), outputs

                state, outputs = jax.lax.scan(body, tuple(state), stacked)
                if kind != "predict":
                    outputs = jax.tree.map(lambda value: value[-1], outputs)
                return outputs, self._keep_layouts(kind, state)[first_kept:]
        else:

            def function(state, data):
                outputs, state = step(state, data)
                return outputs, self._keep_layouts(kind, state)[first_kept:]

        if self.jit_compile and not self.run_eagerly:
            function = jax.jit(function, donate_argnums=(0,) if kind == "train" else ())
            function = FirstCallWithoutGC(function)
        self._jitted[key] = function
        return function

    def _current_distribution(self):
        """The active distribution, else the one the model was compiled under (so a model built
        and compiled in ``distribution.scope()`` trains sharded outside the block too)."""
        return distributions.distribution() or self._distribution

    def _keep_layouts(self, kind, state):
        """``state`` (a tuple) with each value pinned to its variable's sharding, so that under a
        distribution XLA cannot move a weight or slot out of the layout it was given."""
        groups = [self.trainable_variables, self.non_trainable_variables]
        if kind == "train":
            groups += [self.optimizer.variables, self.metrics_variables]
        elif kind == "test":
            groups.append(self.metrics_variables)
        if not any(v._sharding is not None for variables in groups for v in variables):
            return tuple(state)
        return tuple(
            [
                value
                if v._sharding is None
                else jax.lax.with_sharding_constraint(value, v._sharding)
                for v, value in zip(variables, values)
            ]
            for variables, values in zip(groups, state)
        )

    def _step_context(self):
        """``(host stage, distribution)``: looked up once per loop, not once per step."""
        return host_stage.host_stage_of(self), self._current_distribution()

    def _step(self, kind, state, data, multi_step=False, context=None):
        """Runs the jitted step; returns ``(outputs, state)`` with the full state."""
        function = self._function(kind, multi_step)
        stage, distribution = context or self._step_context()
        if distribution is not None:
            data = placement.shard_batch(data, distribution, batch_axis=1 if multi_step else 0)
        if stage is None:
            outputs, changed = function(state, data)
        else:
            with host_stage.device_inputs(stage):  # `data` holds the device part's inputs
                outputs, changed = function(state, data)
        if kind == "train":
            return outputs, TrainState(*changed)
        return outputs, (state[0], *changed)

    # -- state ---------------------------------------------------------------------------
    def _symbolic_build(self, data):
        """Builds the model, optimizer, loss and metrics from the first batch's shapes."""
        with gc_paused():  # it traces the model and compiles the optimizer's init
            self._symbolic_build_now(data)

    def _symbolic_build_now(self, data):
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        if not self.built:
            self(jax.tree.map(jnp.asarray, x))
        needs_metrics = (
            self.compiled
            and y is not None
            and (
                (self._compile_loss is not None and not self._compile_loss.built)
                or not self._compile_metrics.built
            )
        )
        if needs_metrics:
            (x,) = host_stage.device_data(self, (x,), "predict")
            with host_stage.device_scope(self):
                y_pred = jax.eval_shape(
                    lambda inputs: self.stateless_call(
                        [v.value for v in self.trainable_variables],
                        [v.value for v in self.non_trainable_variables],
                        inputs,
                        training=False,
                    )[0],
                    x,
                )
            if self._compile_loss is not None and not self._compile_loss.built:
                self._compile_loss.build(y, y_pred)
            if not self._compile_metrics.built:
                self._compile_metrics.build(y, y_pred)
        if self.optimizer is not None and not getattr(self.optimizer, "built", False):
            self.optimizer.build(self.trainable_variables)

    def _state(self, kind):
        trainable = [v.value for v in self.trainable_variables]
        non_trainable = [v.value for v in self.non_trainable_variables]
        if kind == "predict":
            return (trainable, non_trainable)
        metrics = [v.value for v in self.metrics_variables]
        if kind == "test":
            return (trainable, non_trainable, metrics)
        return _unaliased(
            TrainState(
                trainable, non_trainable, [v.value for v in self.optimizer.variables], metrics
            )
        )

    def jax_state_sync(self):
        """Copies the state of a running `fit` into the variables (a callback reads the model).

        Copies, because the running state's buffers are donated to the next step."""
        if getattr(self, "_jax_state", None) is None or self._jax_state_synced:
            return
        self._write_back(jax.tree.map(jnp.copy, self._jax_state), "train")
        self._jax_state_synced = True

    def _write_back(self, state, kind):
        self._jax_state = None
        pairs = [(self.trainable_variables, state[0]), (self.non_trainable_variables, state[1])]
        if kind == "train":
            pairs += [(self.optimizer.variables, state[2]), (self.metrics_variables, state[3])]
        elif kind == "test":
            pairs.append((self.metrics_variables, state[2]))
        for variables, values in pairs:
            for variable, value in zip(variables, values):
                variable._value = value

    def _reset_metric_values(self, state, kind):
        self.reset_metrics()
        fresh = [v.value for v in self.metrics_variables]
        if kind == "train":
            return state._replace(metrics_variables=fresh)
        return (state[0], state[1], fresh)

    def _assert_compiled(self):
        if not self.compiled:
            raise ValueError("You must call `compile()` before using the model.")

    # -- running over data ----------------------------------------------------------------
    def _run_epoch(self, kind, adapter, state, callbacks, epoch_seed=0, position=None):
        """Runs the step over one pass of ``adapter``; returns ``(state, last_logs, outputs)``.

        With a `DataPosition`, starts at its batch and advances it as batches are trained."""
        hooks = callbacks.wants_batch_hooks(kind) or any(
            type(c).__name__ == "ProgbarLogger" and c.verbose for c in callbacks.callbacks
        )
        begin = getattr(callbacks, f"on_{kind}_batch_begin")
        end = getattr(callbacks, f"on_{kind}_batch_end")
        logs, outputs, pending = None, [], []
        step_index = position.batch if position is not None else 0
        context = self._step_context()

        def run(batches):
            nonlocal state, logs, step_index
            if hooks:
                begin(step_index)
            if len(batches) == 1:
                result, state = self._step(kind, state, batches[0], context=context)
            else:
                result, state = self._step(kind, state, _stack(batches), True, context)
            step_index += len(batches)
            if position is not None:
                position.batch = step_index
                position.step += len(batches)
            if kind == "predict":
                outputs.append((result, len(batches) > 1))
                if hooks:
                    end(step_index - 1, {"outputs": result})
            else:
                logs = result
                if hooks:
                    if kind == "train":
                        self._jax_state, self._jax_state_synced = state, False
                    end(step_index - 1, logs)

        maps_strings = context[0] is not None
        for batch in adapter.batches(epoch_seed, start=step_index):
            data = _compact(*batch) if kind != "predict" else (batch[0],)
            if maps_strings:
                data = host_stage.device_data(self, data, kind)  # strings -> ids, on the host
            if self.steps_per_execution > 1 and pending and not _same_structure(pending[0], data):
                for item in pending:
                    run([item])
                pending = []
            pending.append(data)
            if len(pending) == self.steps_per_execution:
                run(pending)
                pending = []
            if kind == "train" and self.stop_training:
                break
        for item in pending:
            run([item])
        return state, logs, outputs, step_index

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Trains for ``epochs`` passes over the data; returns a `History`."""

        self._assert_compiled()
        if max_epochs() and max_epochs() < epochs:  # keras.config.set_max_epochs, for debugging
            warnings.warn(f"Limiting epochs to {max_epochs()}")
            epochs = max_epochs()
        if validation_split and validation_data is None:
            adapter = get_data_adapter(x, y, sample_weight, batch_size)
            if not hasattr(adapter, "split"):
                raise ValueError(
                    "`validation_split` is only supported for arrays, not for generators or datasets."
                )
            (x, y, sample_weight), validation_data = adapter.split(validation_split)
        adapter = get_data_adapter(
            x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight
        )
        validation_adapter = None
        if validation_data is not None:
            val_x, val_y, val_weight = unpack_x_y_sample_weight(validation_data)
            validation_adapter = get_data_adapter(
                val_x, val_y, val_weight, validation_batch_size or batch_size, validation_steps
            )
        verbose = 1 if verbose == "auto" else verbose
        callbacks = self._callback_list(
            callbacks, verbose, adapter, epochs=epochs, add_history=True
        )
        self.stop_training = False
        first_batch = next(iter(adapter.batches(0)), None)
        if first_batch is None:
            raise ValueError("Unable to run `fit`: the training data is empty.")
        self._symbolic_build(_compact(*first_batch))
        self._data_position = DataPosition(initial_epoch, shuffle_seed=_shuffle_seed(adapter))
        callbacks.on_train_begin()
        # A callback that restored a checkpoint (`BackupAndRestore`) says where to go on from.
        position = self._data_position = self._resume_position or self._data_position
        self._resume_position = None
        epoch_logs = {}
        for epoch in range(position.epoch, epochs):
            resumed = position.batch > 0
            callbacks.on_epoch_begin(epoch)
            # Read after the hook: a callback may have set the learning rate or the weights.
            state = self._state("train")
            if not resumed:  # else the restored metrics hold the epoch's first batches
                state = self._reset_metric_values(state, "train")
            state, logs, _, _ = self._run_epoch(
                "train",
                adapter,
                state,
                callbacks,
                epoch_seed=[position.shuffle_seed, epoch],
                position=position,
            )
            self._write_back(state, "train")
            if logs is None and resumed:  # restored after the epoch's last batch
                logs = self.get_metrics_result()
            epoch_logs = _host_logs(logs) if logs is not None else {}
            if validation_adapter is not None and _should_validate(epoch, validation_freq):
                val_logs = self._evaluate_adapter(validation_adapter, callbacks)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            position.epoch, position.batch = epoch + 1, 0
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        if epochs > 0 and hasattr(self.optimizer, "finalize_variable_values"):
            # As Keras: with `use_ema=True` the model ends `fit` holding the moving averages.
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callbacks.on_train_end(logs=epoch_logs)
        return self.history

    def _evaluate_adapter(self, adapter, callbacks):
        first_batch = next(iter(adapter.batches(0)), None)
        if first_batch is None:
            raise ValueError("Unable to run `evaluate`: the data is empty.")
        self._symbolic_build(_compact(*first_batch))
        callbacks.on_test_begin()  # first: a callback may swap weights in (SwapEMAWeights)
        state = self._reset_metric_values(self._state("test"), "test")
        state, logs, _, _ = self._run_epoch("test", adapter, state, callbacks)
        self._write_back(state, "test")
        host_logs = _host_logs(logs)
        callbacks.on_test_end(host_logs)
        return host_logs

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ):
        """Loss and metrics on the data; a dict with ``return_dict``, else Keras's list/scalar."""

        self._assert_compiled()
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        adapter = get_data_adapter(x, y, sample_weight, batch_size, steps)
        verbose = 1 if verbose == "auto" else verbose
        callbacks = self._callback_list(callbacks, verbose, adapter)
        logs = self._evaluate_adapter(adapter, callbacks)
        return logs if return_dict else self._flatten_logs(logs)

    def _callback_list(self, callbacks, verbose, adapter, epochs=1, add_history=False):
        from kerasish.callbacks import CallbackList

        if isinstance(callbacks, CallbackList):
            return callbacks
        if jax.process_index() != 0:  # in a multi-process run only process 0 reports progress
            verbose = 0
        return CallbackList(
            callbacks,
            add_history=add_history,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=adapter.num_batches,
        )

    def _flatten_logs(self, logs):
        """``logs`` as Keras's list: the values named by `metrics` (compiled metrics by their
        names without output prefix), then the other logs by sorted name."""
        names = []
        for metric in self.metrics:
            if metric is self._compile_metrics:
                names += metric.base_names
            else:
                names.append(metric.name)
        ordered = [logs[name] for name in names if name in logs]
        ordered += [logs[name] for name in sorted(logs) if name not in names]
        return ordered[0] if len(ordered) == 1 else ordered

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for every input batch, concatenated on the host as numpy arrays."""

        verbose = 1 if verbose == "auto" else verbose
        if not callbacks and not verbose and steps is None and self.built and _is_array_input(x):
            return self._predict_arrays(x, batch_size or 32)
        adapter = get_data_adapter(x, batch_size=batch_size, steps=steps)
        callbacks = self._callback_list(callbacks, verbose, adapter)
        if not self.built:
            first_batch = next(iter(adapter.batches(0)), None)
            self._symbolic_build((first_batch[0],))
        callbacks.on_predict_begin()
        _, _, outputs, _ = self._run_epoch("predict", adapter, self._state("predict"), callbacks)
        callbacks.on_predict_end()
        if not outputs:
            raise ValueError("Unable to run `predict`: the data is empty.")
        chunks = []
        for result, stacked in outputs:
            host = placement.to_host(result)
            chunks.append(
                jax.tree.map(lambda a: a.reshape(-1, *a.shape[2:]), host) if stacked else host
            )
        outputs = jax.tree.map(lambda *parts: np.concatenate(parts, axis=0), *chunks)
        return host_stage.host_outputs(self, outputs)

    def _predict_arrays(self, x, batch_size):
        """`predict` without callbacks or progress bar: batches straight to the jitted step."""
        x = jax.tree.map(np.asarray, x)
        rows = _num_rows(x)
        state = self._state("predict")
        context = stage, distribution = self._step_context()
        chunks = []
        for start in range(0, rows, batch_size):
            if rows <= batch_size:
                batch = x
            else:
                batch = jax.tree.map(lambda a, start=start: a[start : start + batch_size], x)
            data = (batch,) if stage is None else host_stage.device_data(self, (batch,), "predict")
            outputs, state = self._step("predict", state, data, context=context)
            chunks.append(outputs)
        self._write_back(state, "predict")
        if len(chunks) == 1 and distribution is None:
            outputs = jax.tree.map(np.asarray, chunks[0])
        else:  # one call starts every copy to the host before any is awaited
            chunks = placement.to_host(chunks)
            outputs = jax.tree.map(lambda *parts: np.concatenate(parts, axis=0), *chunks)
        return outputs if stage is None else host_stage.host_outputs(self, outputs)

    # -- single batches ------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        self._assert_compiled()
        adapter = get_data_adapter(
            x, y, sample_weight, batch_size=_num_rows(x), class_weight=class_weight
        )
        (batch,) = list(adapter.batches(0))
        data = _compact(*batch)
        self._symbolic_build(data)
        self.reset_metrics()  # as Keras: the logs describe this batch alone
        logs, state = self._step(
            "train", self._state("train"), host_stage.device_data(self, data, "train")
        )
        self._write_back(state, "train")
        logs = _host_logs(logs)
        return logs if return_dict else self._flatten_logs(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled()
        data = _compact(x, y, sample_weight)
        self._symbolic_build(data)
        state = self._reset_metric_values(self._state("test"), "test")
        data = host_stage.device_data(self, jax.tree.map(np.asarray, data), "test")
        logs, state = self._step("test", state, data)
        self._write_back(state, "test")
        logs = _host_logs(logs)
        return logs if return_dict else self._flatten_logs(logs)

    def predict_on_batch(self, x):
        if not self.built:
            self._symbolic_build((x,))
        data = host_stage.device_data(self, (jax.tree.map(np.asarray, x),), "predict")
        outputs, _ = self._step("predict", self._state("predict"), data)
        return host_stage.host_outputs(self, jax.tree.map(np.asarray, outputs))


def _unaliased(state):
    """Copies any buffer that appears twice: a donated state may not hold one buffer twice."""
    seen = set()

    def fresh(value):
        if id(value) in seen:
            return jnp.copy(value)
        seen.add(id(value))
        return value

    return jax.tree.map(fresh, state)


def _host_logs(logs):
    """Device scalars -> Python floats (once per epoch, or when a callback reads them); a
    nested dict (a custom step's ``logs["compile_metrics"]``) is merged in, as Keras does."""
    host = {}
    for name, value in sorted(jax.device_get(logs).items()):
        if isinstance(value, dict):
            host.update(_host_logs(value))
        else:
            host[name] = float(np.asarray(value)) if np.ndim(value) == 0 else np.asarray(value)
    return host


def _is_array_input(x):
    leaves = jax.tree.leaves(x)
    return (
        bool(leaves)
        and all(isinstance(leaf, (np.ndarray, jax.Array)) for leaf in leaves)
        and not isinstance(x, tuple)
    )


def _num_rows(x):
    return int(np.shape(jax.tree.leaves(x)[0])[0])


def _shuffle_seed(adapter):
    """The seed of this run's shuffle orders: the one given to `keras.utils.set_random_seed`,
    else 0. Each epoch's order is a function of it and the epoch alone, so a run shuffles
    the same way every time it is started, and a resumed run (which restores the seed) too."""
    seed = random_utils.get_random_seed()
    return int(seed) & 0x7FFFFFFF if seed is not None and getattr(adapter, "shuffle", False) else 0


def _should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _serialize_maybe(value):
    from kerasish.saving.serialization import serialize_keras_object

    try:
        return serialize_keras_object(value)
    except TypeError:
        return None


__all__ = ["Trainer", "TrainState"]
