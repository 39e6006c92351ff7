"""Instruments: the engine every measurement plugin gets for free (runs, answers,
anonymity, results, charts, trends, CSV, action items)."""
