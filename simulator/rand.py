"""Counter-based random numbers: the same (key, purpose) always gives the same uniform.

The collections loop runs twice for the experiment's counterfactual (the same episodes, other
parameters). Drawing from a stateful generator would give the second run different luck; a hash
of (seed, purpose, episode, day) gives both runs the same draws, so the difference between them is
the treatment effect and nothing else.
"""

from __future__ import annotations

import numpy as np

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


class HashUniform:
    """Uniforms in [0, 1) that are a pure function of (seed, purpose, key)."""

    def __init__(self, seed: int) -> None:
        self._seed = np.uint64(_mix(np.array([seed], dtype=np.uint64) + _GOLDEN)[0])

    def __call__(self, purpose: int, key: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            salt = _mix(np.array([purpose], dtype=np.uint64) * _GOLDEN + self._seed)[0]
            z = _mix(key.astype(np.uint64) * _GOLDEN + salt)
        return (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: float | np.ndarray) -> float | np.ndarray:
    return np.log(p / (1.0 - p))
