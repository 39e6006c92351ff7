"""Weighted totals, ranking and sensitivity: pure calculations on numbers, no database.

No database and no request here: the page state (`state`) hands them numbers, which
is also how the tests check them against a brute-force calculation.
"""


def weighted_totals(weights, scores):
    """{candidate: Σ w_c·s_kc / Σ w} for `weights` {criterion: w} and `scores`
    {candidate: {criterion: s}}; None when the weights add up to 0."""
    total_weight = sum(weights.values())
    if total_weight <= 0:
        return None
    return {k: sum(w * row[c] for c, w in weights.items()) / total_weight
            for k, row in scores.items()}


def ranking(totals, names):
    """Candidates best first; ties broken by name so the order is stable."""
    return sorted(totals, key=lambda k: (-totals[k], names.get(k, ""), k))


def sensitivity(weights, scores, names):
    """For each criterion, the smallest change of its weight alone (others fixed, then
    normalized) that puts another candidate strictly ahead of the leader.

    With x the criterion's weight, T_k(x) = (A_k + x·s_kc) / (B + x); B is the same for
    every candidate, so k leads L when (A_k − A_L) + x·(s_kc − s_Lc) > 0: a line in x with one root x*.
    Returns (leader, [rows]) where each row has criterion, weight, threshold (x*),
    direction ("raise"/"lower"), change and the new winner, or None for no change."""
    totals = weighted_totals(weights, scores)
    if not totals or len(totals) < 2:
        return None, []
    leader = ranking(totals, names)[0]
    rows = []
    for c, w in weights.items():
        A = {k: sum(weights[j] * scores[k][j] for j in weights if j != c) for k in scores}
        best = None
        for k in scores:
            if k == leader:
                continue
            a = A[k] - A[leader]
            b = scores[k][c] - scores[leader][c]
            if b == 0:
                continue
            root = -a / b
            if b > 0:       # k gains as the weight grows: k leads above the root
                threshold, direction = max(root, w), "raise"
            else:           # k gains as the weight shrinks: k leads below the root
                if root <= 0:
                    continue
                threshold, direction = min(root, w), "lower"
            change = abs(threshold - w)
            if best is None or change < best["change"] - 1e-12:
                best = {"criterion": c, "weight": w, "threshold": threshold,
                        "direction": direction, "change": change, "winner": k}
        rows.append(best or {"criterion": c, "weight": w, "threshold": None,
                             "direction": None, "change": None, "winner": None})
    return leader, rows
