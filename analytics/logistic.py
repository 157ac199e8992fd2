r"""The ridge logistic regression that link prediction and tie decay share (scikit-learn's).

:func:`fit_ridge_logistic` standardises the features (``StandardScaler``: mean 0, variance 1;
constant columns keep scale 1) and fits scikit-learn's ``LogisticRegression`` (L2, lbfgs,
intercept unpenalised, fixed ``random_state``) to minimise

.. math:: \sum_i \big(\log(1 + e^{z_i}) - y_i z_i\big) + \frac{\lambda}{2}\lVert w\rVert^2,
          \quad z_i = b + w \cdot \frac{x_i - \mu}{\sigma},

with ``λ = l2`` (scikit-learn writes this as ``C Σ loss + ½‖w‖²``, so ``C = 1 / l2``). A caller
whose penalty is on the *mean* loss, ``(1/N) Σ loss + (λ/2) ‖w‖²``, passes ``l2 = λ N``.

Deterministic: the same data always give the same coefficients. The fit runs on one thread:
these problems are small (thousands of rows, a dozen features), where OpenMP/BLAS threads cost
more than they save, and several times more on a busy machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit as sigmoid

__all__ = ["RidgeLogistic", "fit_ridge_logistic", "sigmoid"]

#: lbfgs stops when the largest gradient component of the mean loss is below this.
TOL = 1e-9
MAX_ITER = 2000
RANDOM_STATE = 0


@dataclass(frozen=True)
class RidgeLogistic:
    """A fitted model: ``logit = intercept + coef · (x - mean) / scale``."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def raw(self) -> tuple[np.ndarray, float]:
        """``(weights, intercept)`` for the unstandardised features: ``logit = b + w · x``."""
        w = self.coef / self.scale
        return w, float(self.intercept - w @ self.mean)


def fit_ridge_logistic(X: np.ndarray, y: np.ndarray, l2: float) -> RidgeLogistic:
    """Fit ``P(y = 1 | x)`` on standardised ``X`` with the L2 penalty ``l2`` on the summed loss.

    ``y`` must hold both classes (0 and 1).

    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> m = fit_ridge_logistic(X, np.array([0, 0, 1, 1]), l2=1.0)
    >>> bool(m.coef[0] > 0), abs(m.intercept) < 1e-6  # symmetric data: no offset
    (True, True)
    >>> w, b = m.raw()  # the same model on the unstandardised x
    >>> bool(abs(b + 1.5 * w[0]) < 1e-6)
    True
    """
    if not l2 > 0:
        raise ValueError("l2 must be positive")
    # imported here: scikit-learn takes about a second to import, which every CLI command that
    # imports analytics.decay or analytics.linkpred would otherwise pay without fitting anything
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    pipe = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=1.0 / l2, solver="lbfgs", tol=TOL, max_iter=MAX_ITER,
                           random_state=RANDOM_STATE),
    )
    with threadpool_limits(limits=1):
        pipe.fit(np.asarray(X, dtype=np.float64), np.asarray(y).astype(np.int64))
    scaler, clf = pipe[0], pipe[-1]
    return RidgeLogistic(mean=scaler.mean_.copy(), scale=scaler.scale_.copy(),
                         coef=clf.coef_[0].copy(), intercept=float(clf.intercept_[0]))
