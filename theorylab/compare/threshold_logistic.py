"""The logistic model of the first-success time: ``log T ~ Logistic(location, scale)`` (THEORY.md §8).

Fitted by maximum likelihood to interval-censored first-success times: a trial seen first at ``n[j]``
contributes ``F(n[j]) - F(n[j-1])``, a censored one ``1 - F(n[-1])``. The covariance is the inverse observed
information (central-difference Hessian of the negative log-likelihood). Used by
:func:`theorylab.compare.thresholds.estimate_threshold` with ``method="logistic"``.

Examples
--------
>>> import numpy as np
>>> logn = np.log([100.0, 200.0, 400.0, 800.0, 1600.0])
>>> fit, identified = fit_logistic(np.array([1, 2, 2, 3, 3, 3, 4, 5]), logn)
>>> identified, bool(logn[1] < fit.location < logn[3])
(True, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

__all__ = ["LogisticFit", "fit_logistic"]


@dataclass(frozen=True)
class LogisticFit:
    """Maximum-likelihood logistic model of the first-success time: ``log T ~ Logistic(location, scale)``.

    ``covariance`` is the inverse observed information of ``(location, scale)``.
    """

    location: float
    scale: float
    covariance: np.ndarray
    converged: bool


def _logistic_nll(theta: np.ndarray, left: np.ndarray, right: np.ndarray) -> float:
    mu, eta = theta
    s = math.exp(eta)
    lo = (left - mu) / s
    hi = (right - mu) / s
    with np.errstate(invalid="ignore", divide="ignore"):
        # log(expit(hi) - expit(lo)) = log_expit(hi) + log_expit(-lo) + log(1 - exp(lo - hi))
        ll = special.log_expit(hi) + special.log_expit(-lo) + np.log(-np.expm1(lo - hi))
    return -float(np.sum(ll))


def _hessian(f, x: np.ndarray, step: np.ndarray) -> np.ndarray:
    """Central-difference Hessian of a scalar function."""
    k = x.size
    H = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = step[i]
            ej[j] = step[j]
            val = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * step[i] * step[j])
            H[i, j] = H[j, i] = val
    return H


def fit_logistic(first_idx: np.ndarray, logn: np.ndarray) -> tuple[LogisticFit, bool]:
    K = logn.size
    ext = np.concatenate([[-np.inf], logn, [np.inf]])
    left = ext[first_idx]  # index j -> cell (logn[j-1], logn[j]]
    right = ext[first_idx + 1]
    spacing = float(np.min(np.diff(logn))) if K > 1 else 1.0
    span = float(logn[-1] - logn[0]) if K > 1 else 1.0
    finite_mid = np.where(np.isfinite(left) & np.isfinite(right), (left + right) / 2, np.nan)
    finite_mid = np.where(np.isneginf(left), right, finite_mid)
    finite_mid = np.where(np.isposinf(right), left, finite_mid)
    mu0 = float(np.median(finite_mid))
    s0 = max(float(np.std(finite_mid)) * math.sqrt(3) / math.pi, spacing)
    eta_lo = math.log(1e-3 * spacing)
    eta_hi = math.log(100.0 * max(span, spacing))
    res = optimize.minimize(
        _logistic_nll,
        x0=np.array([mu0, math.log(s0)]),
        args=(left, right),
        method="L-BFGS-B",
        bounds=[(logn[0] - 5 * span - 10, logn[-1] + 5 * span + 10), (eta_lo, eta_hi)],
    )
    mu, eta = res.x
    at_bound = eta <= eta_lo + 1e-6 or eta >= eta_hi - 1e-6
    s = math.exp(eta)
    H = _hessian(lambda th: _logistic_nll(th, left, right), res.x, np.array([1e-4 * s + 1e-6, 1e-4]))
    try:
        cov_eta = np.linalg.inv(H)
        ok = bool(np.all(np.isfinite(cov_eta)) and np.all(np.linalg.eigvalsh(cov_eta) > 0))
    except np.linalg.LinAlgError:
        ok = False
    if not ok or at_bound:
        cov = np.full((2, 2), np.nan)
    else:
        J = np.array([[1.0, 0.0], [0.0, s]])  # (mu, eta) -> (mu, s)
        cov = J @ cov_eta @ J.T
    fit = LogisticFit(location=float(mu), scale=float(s), covariance=cov, converged=bool(res.success))
    return fit, bool(ok and not at_bound)
