"""Keras 3's update rules and gradient clipping as optax `GradientTransformation`s.

Each rule is a factory returning an `optax.GradientTransformationExtraArgs` whose
``update(grads, state, params, *, learning_rate, iteration)`` takes the step's learning
rate and Keras's ``optimizer.iterations`` (the number of applied steps before this one)
as extra arguments, so that one shared counter and one learning rate drive the whole
chain. Updates are optax deltas: ``new_params = params + updates``.

Why custom rules rather than ``optax.scale_by_adam`` and friends: Keras's equations differ
from optax's in ways that change the numbers (Adam's ``epsilon`` outside the bias
correction, SGD momentum that folds in the learning rate of each step, RMSprop's momentum
sign, Nadam's momentum schedule), optax's versions keep a ``count`` leaf that Keras's
saved files have no slot for, and Keras multiplies the learning rate in at a different
point. Every rule below follows Keras's float32 operation order, so results agree with
Keras to the last bit as far as XLA's fusion allows. States are `NamedTuple`s whose
field names are Keras's slot names; a field is a list with one entry per parameter, or a
scalar shared by all parameters (Nadam's ``u_product``).

Example:
>>> rule = scale_by_keras_adam()
>>> params = [jnp.ones((2,))]
>>> state = rule.init(params)
>>> updates, state = rule.update([jnp.ones((2,))], state, params,
...                              learning_rate=jnp.float32(0.1), iteration=jnp.int32(0))
>>> [round(float(x), 4) for x in updates[0]]
[-0.1, -0.1]
"""

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax


def _cast(value, like):
    return jnp.asarray(value).astype(like.dtype)


def _local_step(iteration, like):
    """Keras's ``local_step``: the 1-based index of this step, in the variable's dtype."""
    return (iteration + 1).astype(like.dtype)


def _init_slots(init, state_type, params):
    """``state_type`` with one list (shaped like ``params``) per field, from ``init(p) -> slots``."""
    structure = jax.tree.structure(params)
    per_param = [init(p) for p in structure.flatten_up_to(params)]
    return state_type(
        *(
            structure.unflatten([slots[k] for slots in per_param])
            for k in range(len(state_type._fields))
        )
    )


def _rule(init, update_one, state_type):
    """A rule from ``update_one(g, p, slots, lr, iteration) -> (update, slots)``, mapped per parameter.

    ``slots`` is a tuple with one entry per field of ``state_type``; ``init(p)`` gives the
    initial slots of one parameter.
    """

    def init_fn(params):
        return _init_slots(init, state_type, params)

    def update_fn(updates, state, params=None, *, learning_rate, iteration, **extra_args):
        del extra_args
        if params is None:
            raise ValueError("Keras update rules need `params`: pass them to `update`.")
        structure = jax.tree.structure(params)
        flat_updates = structure.flatten_up_to(updates)
        flat_params = structure.flatten_up_to(params)
        flat_slots = [structure.flatten_up_to(field) for field in state]
        new_updates, new_slots = [], [[] for _ in state]
        for i, (g, p) in enumerate(zip(flat_updates, flat_params)):
            g = g.astype(p.dtype)
            lr = _cast(learning_rate, p)
            update, slots = update_one(g, p, tuple(field[i] for field in flat_slots), lr, iteration)
            new_updates.append(update)
            for field, slot in zip(new_slots, slots):
                field.append(slot)
        new_state = state_type(*(structure.unflatten(field) for field in new_slots))
        return structure.unflatten(new_updates), new_state

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


# -- SGD ---------------------------------------------------------------------------------------


class SGDState(NamedTuple):
    momentum: Any  # per parameter; None without momentum (Keras creates no slot then)


def scale_by_keras_sgd(momentum=0.0, nesterov=False):
    """Keras SGD: ``m = momentum*m - lr*g; p += m`` (nesterov: ``p += momentum*m - lr*g``).

    Unlike ``optax.trace`` the velocity holds the learning rate of each step, so a changing
    learning rate acts on new gradients only.
    """

    def init(p):
        return (jnp.zeros_like(p) if momentum != 0 else None,)

    def update_one(g, p, slots, lr, iteration):
        if momentum == 0:
            return -(g * lr), slots
        (m,) = slots
        beta = _cast(momentum, p)
        m = m * beta - g * lr
        update = m * beta - g * lr if nesterov else m
        return update, (m,)

    return _rule(init, update_one, SGDState)


# -- Adam family -------------------------------------------------------------------------------


class AdamState(NamedTuple):
    momentum: Any
    velocity: Any
    velocity_hat: Any  # None unless amsgrad


def scale_by_keras_adam(beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    """Keras Adam: ``alpha = lr*sqrt(1-b2^t)/(1-b1^t); p -= alpha*m/(sqrt(v)+eps)``.

    ``optax.scale_by_adam`` divides by ``sqrt(v_hat)+eps`` instead, which differs while
    the bias correction is far from one.
    """

    def init(p):
        zeros = jnp.zeros_like(p)
        return (zeros, zeros, zeros if amsgrad else None)

    def update_one(g, p, slots, lr, iteration):
        m, v, v_hat = slots
        step = _local_step(iteration, p)
        beta_1_power = jnp.power(_cast(beta_1, p), step)
        beta_2_power = jnp.power(_cast(beta_2, p), step)
        alpha = lr * jnp.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m = m + (g - m) * (1 - beta_1)
        v = v + (jnp.square(g) - v) * (1 - beta_2)
        denominator_v = v
        if amsgrad:
            v_hat = jnp.maximum(v_hat, v)
            denominator_v = v_hat
        update = -((m * alpha) / (jnp.sqrt(denominator_v) + epsilon))
        return update, (m, v, v_hat)

    return _rule(init, update_one, AdamState)


class AdamaxState(NamedTuple):
    momentum: Any
    norm: Any


def scale_by_keras_adamax(beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Keras Adamax: ``u = max(b2*u, |g|); p -= lr*m / ((1-b1^t)*(u+eps))``."""

    def update_one(g, p, slots, lr, iteration):
        m, u = slots
        beta_1_power = jnp.power(_cast(beta_1, p), _local_step(iteration, p))
        m = m + (g - m) * (1 - beta_1)
        u = jnp.maximum(beta_2 * u, jnp.abs(g))
        update = -((lr * m) / ((1 - beta_1_power) * (u + epsilon)))
        return update, (m, u)

    return _rule(lambda p: (jnp.zeros_like(p),) * 2, update_one, AdamaxState)


class NadamState(NamedTuple):
    momentum: Any
    velocity: Any
    u_product: Any  # one scalar: the running product of the momentum schedule


def scale_by_keras_nadam(beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Keras Nadam: Adam with Dozat's momentum schedule ``u_t = b1*(1 - 0.5*0.96^t)``."""

    def init_fn(params):
        leaves = jax.tree.leaves(params)
        dtype = leaves[0].dtype if leaves else jnp.float32
        state = _init_slots(lambda p: (jnp.zeros_like(p),) * 2 + (None,), NadamState, params)
        return state._replace(u_product=jnp.ones((), dtype))

    def update_fn(updates, state, params=None, *, learning_rate, iteration, **extra_args):
        u_product = state.u_product
        step = (iteration + 1).astype(u_product.dtype)
        u_product = u_product * beta_1 * (1.0 - 0.5 * jnp.power(jnp.float32(0.96), step))

        def one(g, p, m, v):
            g = g.astype(p.dtype)
            lr = _cast(learning_rate, p)
            local_step = _local_step(iteration, p)
            next_step = (iteration + 2).astype(p.dtype)
            decay = _cast(0.96, p)
            b1, b2 = _cast(beta_1, p), _cast(beta_2, p)
            u_t = b1 * (1.0 - 0.5 * jnp.power(decay, local_step))
            u_t_1 = b1 * (1.0 - 0.5 * jnp.power(decay, next_step))
            u_product_t = u_product.astype(p.dtype)
            u_product_t_1 = u_product_t * u_t_1
            beta_2_power = jnp.power(b2, local_step)
            m = m + (g - m) * (1 - b1)
            v = v + (jnp.square(g) - v) * (1 - b2)
            m_hat = (u_t_1 * m) / (1 - u_product_t_1) + ((1 - u_t) * g) / (1 - u_product_t)
            v_hat = v / (1 - beta_2_power)
            return -((m_hat * lr) / (jnp.sqrt(v_hat) + epsilon)), m, v

        structure = jax.tree.structure(params)
        results = [
            one(*args)
            for args in zip(
                structure.flatten_up_to(updates),
                structure.flatten_up_to(params),
                structure.flatten_up_to(state.momentum),
                structure.flatten_up_to(state.velocity),
            )
        ]
        new_updates, momentum, velocity = (
            structure.unflatten([r[k] for r in results]) for k in range(3)
        )
        return new_updates, NadamState(momentum, velocity, u_product)

    return optax.GradientTransformationExtraArgs(init_fn, update_fn)


class LambState(NamedTuple):
    momentum: Any
    velocity: Any


def scale_by_keras_lamb(beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Keras Lamb: the Adam direction rescaled by the trust ratio ``||p|| / ||update||``."""

    def update_one(g, p, slots, lr, iteration):
        m, v = slots
        step = _local_step(iteration, p)
        beta_1_power = jnp.power(_cast(beta_1, p), step)
        beta_2_power = jnp.power(_cast(beta_2, p), step)
        m = m + (g - m) * (1 - beta_1)
        v = v + (jnp.square(g) - v) * (1 - beta_2)
        m_t_hat = m / (1.0 - beta_1_power)
        v_sqrt = jnp.sqrt(v / (1.0 - beta_2_power)) + epsilon
        direction = m_t_hat / v_sqrt
        w_norm = jnp.sqrt(jnp.sum(jnp.square(p)))
        g_norm = jnp.sqrt(jnp.sum(jnp.square(direction)))
        ratio = jnp.where(w_norm > 0, jnp.where(g_norm > 0, w_norm / g_norm, 1.0), 1.0)
        return -(ratio * lr * direction), (m, v)

    return _rule(lambda p: (jnp.zeros_like(p),) * 2, update_one, LambState)


class LionState(NamedTuple):
    momentum: Any


def scale_by_keras_lion(beta_1=0.9, beta_2=0.99):
    """Keras Lion: ``p -= lr*sign(b1*m + (1-b1)*g); m = b2*m + (1-b2)*g``."""

    def update_one(g, p, slots, lr, iteration):
        (m,) = slots
        b1, b2 = _cast(beta_1, p), _cast(beta_2, p)
        update = -(lr * jnp.sign(m * b1 + g * (1.0 - b1)))
        m = m * b2 + g * (1.0 - b2)
        return update, (m,)

    return _rule(lambda p: (jnp.zeros_like(p),), update_one, LionState)


# -- RMSprop, Adagrad, Adadelta ----------------------------------------------------------------


class RMSpropState(NamedTuple):
    velocity: Any
    momentum: Any  # None unless momentum > 0
    average_gradient: Any  # None unless centered


def scale_by_keras_rmsprop(rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    """Keras RMSprop: ``p -= lr*g / sqrt(v + eps)`` (centered: ``sqrt(v - mean_g^2 + eps)``).

    Keras's momentum slot holds ``+lr*g/sqrt(...)`` accumulations; optax's ``trace``
    after ``scale_by_learning_rate`` would hold their negation.
    """

    def init(p):
        zeros = jnp.zeros_like(p)
        return (zeros, zeros if momentum > 0 else None, zeros if centered else None)

    def update_one(g, p, slots, lr, iteration):
        v, mom, average = slots
        v = rho * v + (1 - rho) * jnp.square(g)
        if centered:
            average = rho * average + (1 - rho) * g
            denominator = v - jnp.square(average) + epsilon
        else:
            denominator = v + epsilon
        increment = (lr * g) / jnp.sqrt(denominator)
        if momentum > 0:
            mom = momentum * mom + increment
            return -mom, (v, mom, average)
        return -increment, (v, mom, average)

    return _rule(init, update_one, RMSpropState)


class AdagradState(NamedTuple):
    accumulator: Any


def scale_by_keras_adagrad(initial_accumulator_value=0.1, epsilon=1e-7):
    """Keras Adagrad: ``acc += g^2; p -= lr*g / sqrt(acc + eps)``."""

    def update_one(g, p, slots, lr, iteration):
        (accumulator,) = slots
        accumulator = accumulator + jnp.square(g)
        return -((lr * g) / jnp.sqrt(accumulator + epsilon)), (accumulator,)

    return _rule(lambda p: (jnp.full_like(p, initial_accumulator_value),), update_one, AdagradState)


class AdadeltaState(NamedTuple):
    accumulated_grad: Any
    accumulated_delta_var: Any


def scale_by_keras_adadelta(rho=0.95, epsilon=1e-7):
    """Keras Adadelta: ``delta = -rms(E[dx^2]) / rms(E[g^2]) * g; p += lr*delta``."""

    def rms(x):
        return jnp.sqrt(x + epsilon)

    def update_one(g, p, slots, lr, iteration):
        accumulated_grad, accumulated_delta = slots
        accumulated_grad = rho * accumulated_grad + (1 - rho) * jnp.square(g)
        delta = -((rms(accumulated_delta) * g) / rms(accumulated_grad))
        accumulated_delta = rho * accumulated_delta + (1 - rho) * jnp.square(delta)
        return lr * delta, (accumulated_grad, accumulated_delta)

    return _rule(lambda p: (jnp.zeros_like(p),) * 2, update_one, AdadeltaState)


# -- Adafactor, Ftrl ---------------------------------------------------------------------------


class AdafactorState(NamedTuple):
    r: Any  # row statistics (shape[:-1]); an int32 placeholder for parameters below 2-D
    c: Any  # column statistics (shape[:-2] + shape[-1:]); same placeholder
    velocity: Any


def _root_mean_square(x):
    return jnp.sqrt(jnp.mean(jnp.square(x)))


def scale_by_keras_adafactor(
    beta_2_decay=-0.8,
    epsilon_1=1e-30,
    epsilon_2=1e-3,
    clip_threshold=1.0,
    relative_step=True,
):
    """Keras Adafactor: factored second moments of the last two axes, relative step sizes.

    ``relative_step`` caps the learning rate at ``1/sqrt(t)``; Keras does this only for a
    float learning rate, so callers pass ``relative_step=False`` with a schedule.
    """

    def init(p):
        if p.ndim < 2:
            placeholder = jnp.zeros((), jnp.int32)
            return (placeholder, placeholder, jnp.zeros_like(p))
        return (
            jnp.zeros(p.shape[:-1], p.dtype),
            jnp.zeros(p.shape[:-2] + p.shape[-1:], p.dtype),
            jnp.zeros_like(p),
        )

    def update_one(g, p, slots, lr, iteration):
        r, c, v = slots
        step = _local_step(iteration, p)
        if relative_step:
            lr = jnp.minimum(lr, 1 / jnp.sqrt(step))
        rho_t = jnp.minimum(lr, 1 / jnp.sqrt(step))
        alpha_t = jnp.maximum(_cast(epsilon_2, p), _root_mean_square(p)) * rho_t
        regulated_grad_square = jnp.square(g) + epsilon_1
        beta_2_t = 1 - jnp.power(step, _cast(beta_2_decay, p))
        if p.ndim >= 2:
            r = beta_2_t * r + (1 - beta_2_t) * jnp.mean(regulated_grad_square, axis=-1)
            c = beta_2_t * c + (1 - beta_2_t) * jnp.mean(regulated_grad_square, axis=-2)
            v = jnp.expand_dims(r / jnp.mean(r, axis=-1, keepdims=True), -1) * jnp.expand_dims(
                c, -2
            )
        else:
            v = beta_2_t * v + (1 - beta_2_t) * regulated_grad_square
        u_t = g / jnp.sqrt(v)
        u_t_hat = u_t / jnp.maximum(_cast(1.0, p), _root_mean_square(u_t) / clip_threshold)
        return -(alpha_t * u_t_hat), (r, c, v)

    return _rule(init, update_one, AdafactorState)


class FtrlState(NamedTuple):
    accumulator: Any
    linear: Any


def scale_by_keras_ftrl(
    learning_rate_power=-0.5,
    initial_accumulator_value=0.1,
    l1_regularization_strength=0.0,
    l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0,
    beta=0.0,
):
    """Keras FTRL-Proximal: the new parameter is solved in closed form from ``linear``.

    The update is ``new - params``, so ``params + update`` equals Keras's assigned value
    up to one rounding.
    """

    def update_one(g, p, slots, lr, iteration):
        accumulator, linear = slots
        l2 = l2_regularization_strength + beta / (2.0 * lr)
        grad_to_use = g + (2 * l2_shrinkage_regularization_strength) * p
        new_accumulator = accumulator + jnp.square(g)
        power_new = jnp.power(new_accumulator, _cast(-learning_rate_power, p))
        power_old = jnp.power(accumulator, _cast(-learning_rate_power, p))
        linear = linear + (grad_to_use - ((power_new - power_old) / lr) * p)
        quadratic = power_new / lr + 2 * l2
        l1 = l1_regularization_strength
        new_p = (jnp.clip(linear, -l1, l1) - linear) / quadratic
        return new_p - p, (new_accumulator, linear)

    return _rule(
        lambda p: (jnp.full_like(p, initial_accumulator_value), jnp.zeros_like(p)),
        update_one,
        FtrlState,
    )


# -- gradient clipping -------------------------------------------------------------------------


def keras_clip_by_norm(clipnorm):
    """Keras ``clipnorm``: each gradient scaled to an L2 norm of at most ``clipnorm``."""

    def clip(g):
        squared_sum = jnp.sum(jnp.square(g), keepdims=True)
        positive = squared_sum > 0
        # Two-sided where: a zero gradient has no NaN in its (unused) derivative.
        norm = jnp.where(positive, jnp.sqrt(jnp.where(positive, squared_sum, 1.0)), squared_sum)
        return (g * clipnorm) / jnp.maximum(norm, clipnorm)

    return optax.stateless_with_tree_map(lambda g, _: clip(g))


def keras_clip_by_global_norm(global_clipnorm):
    """Keras ``global_clipnorm``: all gradients scaled together to a global norm of at most it.

    Differs from ``optax.clip_by_global_norm`` in rounding (Keras multiplies by
    ``clip * min(1/norm, 1/clip)``) and in turning every gradient to NaN when the norm is
    not finite.
    """

    def clip(updates, params=None):
        leaves = jax.tree.leaves(updates)
        if not leaves:
            return updates
        norm = jnp.sqrt(jnp.sum(jnp.stack([jnp.sum(jnp.square(g)) for g in leaves])))
        scale = global_clipnorm * jnp.minimum(1.0 / norm, 1.0 / global_clipnorm)
        scale = scale + (norm - norm)
        return jax.tree.map(lambda g: g * scale, updates)

    return optax.stateless(clip)


def keras_clipping(clipnorm=None, clipvalue=None, global_clipnorm=None):
    """The one clipping transform Keras's arguments select (at most one may be set)."""
    if clipnorm and clipnorm > 0:
        return keras_clip_by_norm(clipnorm)
    if global_clipnorm and global_clipnorm > 0:
        return keras_clip_by_global_norm(global_clipnorm)
    if clipvalue and clipvalue > 0:
        return optax.clip(clipvalue)
    return optax.identity()
