"""Pairwise weighting of criteria by the analytic hierarchy process (Saaty).

Each pair of criteria gets a judgement on Saaty's 1–9 scale; the weights are the
principal eigenvector of the comparison matrix, and the consistency ratio CR = CI / RI
tells whether the judgements contradict each other. Saaty's rule: CR of 0.1 or more
means the judgements go back for revision.
"""
import math

# Saaty's random consistency index for n criteria (n = 1..15).
RANDOM_INDEX = [0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51,
                1.48, 1.56, 1.57, 1.59]
MAX_CR = 0.1
SCALE = (1, 2, 3, 4, 5, 6, 7, 8, 9)


def matrix(n, judgements):
    """The reciprocal matrix from {(i, j): value} for i < j; value > 0 means i over j."""
    a = [[1.0] * n for _ in range(n)]
    for (i, j), value in judgements.items():
        a[i][j], a[j][i] = value, 1.0 / value
    return a


def weights(a, iterations=200):
    """Principal eigenvector (power iteration), normalized to sum to 1, and λmax."""
    n = len(a)
    w = [1.0 / n] * n
    for _ in range(iterations):
        product = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
        total = sum(product)
        w = [p / total for p in product]
    product = [sum(a[i][j] * w[j] for j in range(n)) for i in range(n)]
    lambda_max = sum(product[i] / w[i] for i in range(n)) / n
    return w, lambda_max


def consistency_ratio(n, lambda_max):
    if n < 3:
        return 0.0
    ci = (lambda_max - n) / (n - 1)
    ri = RANDOM_INDEX[n] if n < len(RANDOM_INDEX) else RANDOM_INDEX[-1]
    return max(0.0, ci / ri)


def weigh(n, judgements):
    """(weights, CR, worst pairs): the pairs whose judgement strays most from the
    weights, first — the ones to reconsider when CR is too high."""
    a = matrix(n, judgements)
    w, lambda_max = weights(a)
    cr = consistency_ratio(n, lambda_max)
    strays = sorted(judgements, key=lambda ij: -abs(math.log(a[ij[0]][ij[1]] * w[ij[1]] / w[ij[0]])))
    return w, cr, strays[:3]


def judgement(raw):
    """A form value "L5" (left 5× as important), "R3" or "1" as a matrix entry, or None."""
    raw = raw.strip().upper() if isinstance(raw, str) else ""
    if raw == "1":
        return 1.0
    # One ASCII digit: str.isdigit() would take "٣" and int() read it as 3.
    if len(raw) == 2 and raw[0] in "LR" and raw[1] in "23456789":
        value = float(raw[1])
        return value if raw[0] == "L" else 1.0 / value
    return None


def percentages(found, places=2):
    """Weights (summing to 1) as percentages rounded to `places` decimals that still add
    up to exactly 100 (largest remainder), so the page never warns about the rounding of
    its own weighting."""
    unit = 10 ** places
    exact = [w * 100 * unit for w in found]
    whole = [math.floor(x) for x in exact]
    short = 100 * unit - sum(whole)
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - whole[i], reverse=True)[:short]:
        whole[i] += 1
    return [w / unit for w in whole]
