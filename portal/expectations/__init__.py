"""Relational expectations: who expects what of whom in a partnership, and who has
acknowledged the current wording (seed 003, PRM aspect #4: expectations are documented
and every new member is briefed on them)."""
