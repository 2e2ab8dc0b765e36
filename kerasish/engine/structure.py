"""A global counter of structural changes (new variables, sublayers, trainable flags).

Layers cache their variable lists against it, so collecting ``model.trainable_variables``
on every `predict` or `model(x)` costs a dict lookup, not a walk over the layer tree.
"""

_version = [0]


def changed():
    _version[0] += 1


def version():
    return _version[0]


# Values that compiled functions capture as constants (lookup vocabularies' TF-IDF weights,
# `Discretization` boundaries): a change must reach functions traced before it.
_constants = [0]


def constants_changed():
    _constants[0] += 1


def constants_version():
    return _constants[0]
