"""Small statistical building blocks shared by the analyses.

Kept here so every table uses the same interval, the same multiple-testing correction and the
same regression set-up, and so each is tested once on numbers computed by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

Z95 = float(stats.norm.ppf(0.975))


def wilson(
    successes: np.ndarray | pd.Series, trials: np.ndarray | pd.Series
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95 % interval for each proportion; NaN where there are no trials."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    ok = n > 0
    if ok.any():
        lo, hi = proportion_confint(k[ok], n[ok], alpha=0.05, method="wilson")
        low[ok], high[ok] = lo, hi
    return low, high


def bh(p_values: np.ndarray | pd.Series) -> np.ndarray:
    """Benjamini-Hochberg q-values; NaN p-values stay NaN and do not count in the family."""
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        q[ok] = multipletests(p[ok], alpha=0.05, method="fdr_bh")[1]
    return q


def ratio_ci(numerator: np.ndarray, denominator: np.ndarray) -> tuple[float, float, float]:
    """Ratio of sums Σy/Σx with a delta-method (linearisation) 95 % CI over independent units.

    The standard estimator for a share of an amount (recovered / overdue) when units differ in
    size: Var(R) ≈ Σ(yᵢ - R xᵢ)² / (Σx)² · n/(n-1).
    """
    y = np.asarray(numerator, dtype=float)
    x = np.asarray(denominator, dtype=float)
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return np.nan, np.nan, np.nan
    ratio = y.sum() / total
    if n < 2:
        return ratio, np.nan, np.nan
    se = np.sqrt(np.sum((y - ratio * x) ** 2) * n / (n - 1)) / total
    return ratio, ratio - Z95 * se, ratio + Z95 * se


def design(
    frame: pd.DataFrame, categorical: list[str], numeric: list[str], drop_first: bool = True
) -> pd.DataFrame:
    """A numeric design matrix with an intercept: dummies for categoricals, numerics as given."""
    parts = [pd.Series(1.0, index=frame.index, name="const")]
    for column in categorical:
        values = frame[column]
        if not isinstance(values.dtype, pd.CategoricalDtype):  # a Categorical keeps its order
            values = values.astype("string").fillna("(missing)")
        dummies = pd.get_dummies(values, prefix=column, drop_first=drop_first, dtype=float)
        parts.append(dummies)
    for column in numeric:
        parts.append(frame[column].astype(float).fillna(frame[column].astype(float).median())
                     .rename(column))
    matrix = pd.concat(parts, axis=1)
    # Drop constant dummy columns (a level absent from this subset) to keep the fit identifiable.
    spread = matrix.max() - matrix.min()
    keep = [c for c in matrix.columns if c == "const" or spread[c] > 1e-9]
    return matrix[keep]


def _newton_logit(matrix: np.ndarray, target: np.ndarray, max_iter: int = 50) -> np.ndarray | None:
    """Maximum-likelihood logit coefficients by Newton-Raphson on the normal equations X'WX
    (p x p, solved by pseudo-inverse so a redundant column is harmless); None when Newton does
    not converge (e.g. separation), so the caller falls back to statsmodels' own start."""
    beta = np.zeros(matrix.shape[1])
    for _ in range(max_iter):
        p = expit(matrix @ beta)
        hessian = (matrix * (p * (1 - p))[:, None]).T @ matrix
        step = np.linalg.pinv(hessian, hermitian=True) @ (matrix.T @ (target - p))
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            return None
        if np.max(np.abs(step)) < 1e-10:
            return beta
    return None


def logit(y: np.ndarray | pd.Series, x: pd.DataFrame, groups: np.ndarray | None = None):
    """Binomial GLM (logit link); cluster-robust by ``groups`` when given, else model-based SEs.

    statsmodels' IRLS starts from the maximum found by Newton-Raphson on X'WX (cheap: p x p
    systems), so it converges in one step instead of solving an n x p least-squares problem
    five or six times; the estimate, its covariance and the result object are statsmodels'.
    """
    target = np.asarray(y, dtype=float)
    model = sm.GLM(target, x, family=sm.families.Binomial())
    start = _newton_logit(np.asarray(x, dtype=float), target)
    options = {} if start is None else {"start_params": start}
    if groups is not None:
        codes = pd.factorize(pd.Series(groups))[0]
        return model.fit(cov_type="cluster", cov_kwds={"groups": codes}, **options)
    return model.fit(**options)


def ols(y: np.ndarray | pd.Series, x: pd.DataFrame,
        groups: np.ndarray) -> tuple[pd.Series, pd.DataFrame]:
    """Least-squares coefficients and their cluster-robust covariance (statsmodels' sandwich
    with its small-sample correction), by ``groups``: a linear probability model, for effects
    meant to add up over rows."""
    codes = pd.factorize(pd.Series(groups))[0]
    fit = sm.OLS(np.asarray(y, dtype=float), x).fit(cov_type="cluster",
                                                    cov_kwds={"groups": codes})
    return fit.params, fit.cov_params()


def logit_llf(y: np.ndarray | pd.Series, x: pd.DataFrame) -> float:
    """Maximised log-likelihood of a logit, for choosing between models (no standard errors).

    The same maximum as ``logit(y, x).llf`` from the Newton-Raphson coefficients alone, without
    building a statsmodels result; statsmodels when Newton does not converge.
    """
    matrix = np.asarray(x, dtype=float)
    target = np.asarray(y, dtype=float)
    beta = _newton_logit(matrix, target)
    if beta is None:
        return float(logit(target, x).llf)
    eta = matrix @ beta
    return float(np.sum(target * eta - np.logaddexp(0.0, eta)))


def odds_ratio(result, term: str) -> tuple[float, float, float, float]:
    """Odds ratio, 95 % CI and p-value for one coefficient of a fitted logit."""
    beta = float(result.params[term])
    se = float(result.bse[term])
    p = float(result.pvalues[term])
    return float(np.exp(beta)), float(np.exp(beta - Z95 * se)), float(np.exp(beta + Z95 * se)), p


def coefficient_draws(result, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of the coefficient vector from its estimated sampling distribution (normal)."""
    cov = np.asarray(result.cov_params())
    return rng.multivariate_normal(np.asarray(result.params), cov, size=draws, method="eigh")


def expit(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def split_halves(keys: pd.Series, seed: int = 0) -> np.ndarray:
    """A reproducible boolean split of rows into two halves by key (e.g. customer).

    Selecting a "best" level on one half and estimating its effect on the other keeps the
    estimate and its p-value honest: no winner's curse.
    """
    codes, uniques = pd.factorize(keys, sort=True)   # by key value, not row order
    rng = np.random.default_rng(seed)
    first = rng.random(len(uniques)) < 0.5
    return first[codes]


def two_proportion_test(
    k1: float, n1: float, k0: float, n0: float
) -> tuple[float, float, float, float]:
    """Difference p1 - p0, its 95 % CI (unpooled normal) and the pooled z-test p-value."""
    if n1 == 0 or n0 == 0:
        return np.nan, np.nan, np.nan, np.nan
    p1, p0 = k1 / n1, k0 / n0
    diff = p1 - p0
    se = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    pooled = (k1 + k0) / (n1 + n0)
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    p = 2 * stats.norm.sf(abs(diff) / se0) if se0 > 0 else 1.0
    return diff, diff - Z95 * se, diff + Z95 * se, float(p)
