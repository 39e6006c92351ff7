"""The portfolio: every partnership of an organization on one page, and the annual
re-evaluation of the partner ecosystem (seed 001, practice 9) recorded over it."""
