"""Softmax regression over the phrasings of a small knowledge base.

A classifier learns which words tell entries apart, not just which words they share, which
nearest-phrasing retrieval cannot. It is fitted in the span of the training phrasings: a
question's logits are a linear map of its similarities to those phrasings, a vector the index
computes anyway. With a few hundred phrasings the fit is a small dense problem, fast enough to
redo on every knowledge-base reload, which scikit-learn's sparse solvers are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_EIGEN_FLOOR = 1e-8
_MAX_ITER = 300


@dataclass(frozen=True)
class PhrasingClassifier:
    """Logits for a question are ``similarities @ weights + bias``.

    ``similarities`` are the question's dot products with the training phrasings' vectors,
    in training order; ``weights`` has one column per entry.
    """

    weights: FloatArray
    bias: FloatArray

    @classmethod
    def fit(
        cls, gram: FloatArray, labels: IntArray, n_classes: int, c: float
    ) -> PhrasingClassifier:
        """Fit L2-regularised softmax regression (scikit-learn's ``C`` convention).

        ``gram`` is the phrasings' pairwise dot products. Its eigenvectors give coordinates
        in which the problem is the ordinary primal one but only as wide as there are
        phrasings, so L-BFGS converges in a few dozen steps.
        """
        # One BLAS thread: the matrices are small, and on a busy two-core machine threaded
        # BLAS made a 40-entry fit four times slower (threadpoolctl ships with scikit-learn).
        with threadpool_limits(limits=1):
            eigval, eigvec = np.linalg.eigh(gram)
            keep = eigval > _EIGEN_FLOOR * max(float(eigval.max()), 1.0)
            to_coords = eigvec[:, keep] / np.sqrt(eigval[keep])
            coords = gram @ to_coords
            w, b = _softmax_regression(coords, labels, n_classes, c)
            return cls(weights=to_coords @ w, bias=b)

    def logits(self, similarities: FloatArray) -> FloatArray:
        """One row of entry logits per row of phrasing similarities."""
        out: FloatArray = similarities @ self.weights + self.bias
        return out


def _softmax_regression(
    x: FloatArray, y: IntArray, n_classes: int, c: float
) -> tuple[FloatArray, FloatArray]:
    n, d = x.shape
    onehot = np.zeros((n, n_classes))
    onehot[np.arange(n), y] = 1.0

    def loss_and_grad(theta: FloatArray) -> tuple[float, FloatArray]:
        w = theta[: d * n_classes].reshape(d, n_classes)
        z = x @ w + theta[d * n_classes :]
        z -= z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z).sum(axis=1))
        p = np.exp(z - lse[:, None])
        loss = c * float((lse - z[np.arange(n), y]).sum()) + 0.5 * float((w * w).sum())
        g = c * (p - onehot)
        grad = np.concatenate([(x.T @ g + w).ravel(), g.sum(axis=0)])
        return loss, grad

    theta0 = np.zeros(d * n_classes + n_classes)
    result = minimize(
        loss_and_grad, theta0, jac=True, method="L-BFGS-B", options={"maxiter": _MAX_ITER}
    )
    theta: FloatArray = result.x
    return theta[: d * n_classes].reshape(d, n_classes), theta[d * n_classes :]
